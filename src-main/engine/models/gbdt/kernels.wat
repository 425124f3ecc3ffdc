;; The trainer's hot loops in WebAssembly (with SIMD), on the trainer's shared memory, without
;; bounds checks per element. Each does what its JavaScript twin (hist.ts, parallel.ts) does, in
;; the same order, so the models are bit-identical; the JavaScript stays the fallback where
;; WebAssembly SIMD or shared memory is missing.
;;
;; This text is the source: `npm run build:kernels` compiles it with wabt into kernels-wasm.ts,
;; which is committed (so building the project needs no wasm toolchain); a test fails when the
;; two drift apart. Every address is a byte offset into the imported memory; i32 arrays are 4
;; bytes an element, f64 arrays 8, (g, h) pairs 16.

(module
  ;; The trainer's memory: shared between its two threads, up to 4 GiB.
  (import "env" "mem" (memory 1 65536 shared))

  ;; For k in [k, end): r = idx[k]; for f in [fLo, fHi): the (g, h) pair of row r is added to
  ;; bin bins[r * F + f] of feature f's histogram (256 bins of 16 bytes: 4096 bytes a feature).
  ;; The bins of four features are read as one i32 (little-endian: feature f in the low byte).
  (func $hist (export "hist")
    (param $hist i32) (param $bins i32) (param $F i32) (param $gh i32) (param $idx i32)
    (param $k i32) (param $end i32) (param $fLo i32) (param $fHi i32)
    (local $bp i32)   ;; the next bin byte of row r
    (local $bend i32) ;; one past row r's last bin byte
    (local $hp i32)   ;; feature f's histogram
    (local $w i32)    ;; four bins
    (local $r i32)    ;; the row
    (local $a i32)    ;; the address of a (g, h) cell
    (local $ghv v128) ;; row r's (g, h)
    block $empty
      local.get $k
      local.get $end
      i32.ge_u
      br_if $empty
      loop $rows
        ;; r = idx[k]; ghv = gh[2r .. 2r + 1]
        local.get $idx
        local.get $k
        i32.const 2
        i32.shl
        i32.add
        i32.load
        local.set $r
        local.get $gh
        local.get $r
        i32.const 4
        i32.shl
        i32.add
        v128.load align=8
        local.set $ghv
        ;; bend = bins + r * F; bp = bend + fLo; bend += fHi; hp = hist + fLo * 4096
        local.get $bins
        local.get $r
        local.get $F
        i32.mul
        i32.add
        local.tee $bend
        local.get $fLo
        i32.add
        local.set $bp
        local.get $bend
        local.get $fHi
        i32.add
        local.set $bend
        local.get $hist
        local.get $fLo
        i32.const 12
        i32.shl
        i32.add
        local.set $hp
        ;; four features at a time while bp + 4 <= bend
        block $fours_done
          loop $fours
            local.get $bp
            i32.const 4
            i32.add
            local.get $bend
            i32.gt_u
            br_if $fours_done
            local.get $bp
            i32.load align=1
            local.set $w
            ;; feature +0: hist[hp + (w & 255) * 16] += ghv
            local.get $hp
            local.get $w
            i32.const 255
            i32.and
            i32.const 4
            i32.shl
            i32.add
            local.tee $a
            local.get $a
            v128.load align=8
            local.get $ghv
            f64x2.add
            v128.store align=8
            ;; feature +1: hist[hp + 4096 + ((w >> 8) & 255) * 16] += ghv
            local.get $hp
            local.get $w
            i32.const 8
            i32.shr_u
            i32.const 255
            i32.and
            i32.const 4
            i32.shl
            i32.add
            local.tee $a
            local.get $a
            v128.load offset=4096 align=8
            local.get $ghv
            f64x2.add
            v128.store offset=4096 align=8
            ;; feature +2: hist[hp + 8192 + ((w >> 16) & 255) * 16] += ghv
            local.get $hp
            local.get $w
            i32.const 16
            i32.shr_u
            i32.const 255
            i32.and
            i32.const 4
            i32.shl
            i32.add
            local.tee $a
            local.get $a
            v128.load offset=8192 align=8
            local.get $ghv
            f64x2.add
            v128.store offset=8192 align=8
            ;; feature +3: hist[hp + 12288 + (w >> 24) * 16] += ghv
            local.get $hp
            local.get $w
            i32.const 24
            i32.shr_u
            i32.const 4
            i32.shl
            i32.add
            local.tee $a
            local.get $a
            v128.load offset=12288 align=8
            local.get $ghv
            f64x2.add
            v128.store offset=12288 align=8
            ;; bp += 4; hp += 4 * 4096
            local.get $bp
            i32.const 4
            i32.add
            local.set $bp
            local.get $hp
            i32.const 16384
            i32.add
            local.set $hp
            br $fours
          end
        end
        ;; the features left over, one by one
        block $ones_done
          loop $ones
            local.get $bp
            local.get $bend
            i32.ge_u
            br_if $ones_done
            local.get $hp
            local.get $bp
            i32.load8_u
            i32.const 4
            i32.shl
            i32.add
            local.tee $a
            local.get $a
            v128.load align=8
            local.get $ghv
            f64x2.add
            v128.store align=8
            local.get $bp
            i32.const 1
            i32.add
            local.set $bp
            local.get $hp
            i32.const 4096
            i32.add
            local.set $hp
            br $ones
          end
        end
        ;; k++ while k < end
        local.get $k
        i32.const 1
        i32.add
        local.tee $k
        local.get $end
        i32.lt_u
        br_if $rows
      end
    end)

  ;; Stable partition of idx[k .. end) by dir[col[r]] (1: the row goes left): left rows are
  ;; written back in place, right rows through right[], then copied after them. Returns the
  ;; number of rows that went left.
  (func $partition (export "partition")
    (param $idx i32) (param $col i32) (param $dir i32) (param $right i32) (param $k i32) (param $end i32)
    (result i32)
    (local $nl i32)    ;; where the next left row goes (in idx)
    (local $nr i32)    ;; where the next right row goes (in right)
    (local $r i32)     ;; the row
    (local $d i32)     ;; 1 when it goes left
    (local $begin i32)
    local.get $k
    local.tee $begin
    local.set $nl
    block $empty
      local.get $k
      local.get $end
      i32.ge_u
      br_if $empty
      loop $rows
        ;; r = idx[k]; d = dir[col[r]]
        local.get $idx
        local.get $k
        i32.const 2
        i32.shl
        i32.add
        i32.load
        local.set $r
        local.get $dir
        local.get $col
        local.get $r
        i32.add
        i32.load8_u
        i32.add
        i32.load8_u
        local.set $d
        ;; idx[nl] = r; right[nr] = r; nl += d; nr += d ^ 1
        local.get $idx
        local.get $nl
        i32.const 2
        i32.shl
        i32.add
        local.get $r
        i32.store
        local.get $right
        local.get $nr
        i32.const 2
        i32.shl
        i32.add
        local.get $r
        i32.store
        local.get $nl
        local.get $d
        i32.add
        local.set $nl
        local.get $nr
        local.get $d
        i32.const 1
        i32.xor
        i32.add
        local.set $nr
        local.get $k
        i32.const 1
        i32.add
        local.tee $k
        local.get $end
        i32.lt_u
        br_if $rows
      end
    end
    ;; idx[nl ..] = right[0 .. nr); return nl - begin
    local.get $idx
    local.get $nl
    i32.const 2
    i32.shl
    i32.add
    local.get $right
    local.get $nr
    i32.const 2
    i32.shl
    memory.copy
    local.get $nl
    local.get $begin
    i32.sub)

  ;; For k in [k, end): r = idx[k]; value[r] *= dir[col[r]] ? vl : vr (value: f64).
  (func $leaves (export "leaves")
    (param $idx i32) (param $col i32) (param $dir i32) (param $value i32) (param $k i32) (param $end i32)
    (param $vl f64) (param $vr f64)
    (local $r i32)
    (local $addr i32)
    block $empty
      local.get $k
      local.get $end
      i32.ge_u
      br_if $empty
      loop $rows
        local.get $idx
        local.get $k
        i32.const 2
        i32.shl
        i32.add
        i32.load
        local.set $r
        local.get $value
        local.get $r
        i32.const 3
        i32.shl
        i32.add
        local.tee $addr
        local.get $addr
        f64.load
        local.get $vl
        local.get $vr
        local.get $dir
        local.get $col
        local.get $r
        i32.add
        i32.load8_u
        i32.add
        i32.load8_u
        select
        f64.mul
        f64.store
        local.get $k
        i32.const 1
        i32.add
        local.tee $k
        local.get $end
        i32.lt_u
        br_if $rows
      end
    end)

  ;; For k in [k, end): value[idx[k]] *= v.
  (func $leaf (export "leaf")
    (param $idx i32) (param $value i32) (param $k i32) (param $end i32) (param $v f64)
    (local $addr i32)
    block $empty
      local.get $k
      local.get $end
      i32.ge_u
      br_if $empty
      loop $rows
        local.get $value
        local.get $idx
        local.get $k
        i32.const 2
        i32.shl
        i32.add
        i32.load
        i32.const 3
        i32.shl
        i32.add
        local.tee $addr
        local.get $addr
        f64.load
        local.get $v
        f64.mul
        f64.store
        local.get $k
        i32.const 1
        i32.add
        local.tee $k
        local.get $end
        i32.lt_u
        br_if $rows
      end
    end)

  ;; a -= b, two f64 at a time, from a up to end (histogram subtraction: a sibling's histogram
  ;; from its parent's).
  (func $subtract (export "subtract") (param $a i32) (param $b i32) (param $end i32)
    block $empty
      local.get $a
      local.get $end
      i32.ge_u
      br_if $empty
      loop $pairs
        local.get $a
        local.get $a
        v128.load align=8
        local.get $b
        v128.load align=8
        f64x2.sub
        v128.store align=8
        local.get $a
        i32.const 16
        i32.add
        local.set $a
        local.get $b
        i32.const 16
        i32.add
        local.set $b
        local.get $a
        local.get $end
        i32.lt_u
        br_if $pairs
      end
    end)

  ;; The logistic loss's gradient and hessian of rows idx[k .. end) into gh (f64 pairs), their
  ;; sums into sums[0], sums[1]. Rows keep exp(-margin), so pr = 1 / (1 + expNegMargin[i]);
  ;; positive rows weigh posWeight.
  (func $gradients (export "gradients")
    (param $idx i32) (param $expNegMargin i32) (param $y i32) (param $gh i32) (param $k i32)
    (param $end i32) (param $posWeight f64) (param $sums i32)
    (local $i i32)
    (local $yi i32)
    (local $pr f64)
    (local $w f64)
    (local $g f64)
    (local $h f64)
    (local $G f64)
    (local $H f64)
    block $empty
      local.get $k
      local.get $end
      i32.ge_u
      br_if $empty
      loop $rows
        ;; i = idx[k]; yi = y[i]
        local.get $idx
        local.get $k
        i32.const 2
        i32.shl
        i32.add
        i32.load
        local.tee $i
        local.get $y
        i32.add
        i32.load8_u
        local.set $yi
        ;; pr = 1 / (1 + expNegMargin[i])
        f64.const 1
        f64.const 1
        local.get $expNegMargin
        local.get $i
        i32.const 3
        i32.shl
        i32.add
        f64.load
        f64.add
        f64.div
        local.set $pr
        ;; w = yi ? posWeight : 1
        local.get $posWeight
        f64.const 1
        local.get $yi
        select
        local.set $w
        ;; g = (pr - yi) * w
        local.get $pr
        local.get $yi
        f64.convert_i32_u
        f64.sub
        local.get $w
        f64.mul
        local.set $g
        ;; h = max(pr * (1 - pr), 1e-16) * w
        local.get $pr
        f64.const 1
        local.get $pr
        f64.sub
        f64.mul
        f64.const 0x1.cd2b297d889bcp-54 ;; 1e-16
        f64.max
        local.get $w
        f64.mul
        local.set $h
        ;; gh[2i] = g; gh[2i + 1] = h
        local.get $gh
        local.get $i
        i32.const 4
        i32.shl
        i32.add
        local.get $g
        f64.store
        local.get $gh
        local.get $i
        i32.const 4
        i32.shl
        i32.add
        local.get $h
        f64.store offset=8
        ;; G += g; H += h
        local.get $G
        local.get $g
        f64.add
        local.set $G
        local.get $H
        local.get $h
        f64.add
        local.set $H
        local.get $k
        i32.const 1
        i32.add
        local.tee $k
        local.get $end
        i32.lt_u
        br_if $rows
      end
    end
    ;; sums[0] = G; sums[1] = H
    local.get $sums
    local.get $G
    f64.store
    local.get $sums
    local.get $H
    f64.store offset=8)
)

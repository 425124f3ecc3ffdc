// Hands a file made in the page to the user: the browser's download (serve mode), Electron's
// save (the desktop app).
export function downloadFile(name: string, content: string, type: string): void {
  const blob = new Blob([content], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

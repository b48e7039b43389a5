// "Copy the reference" on practice and volume pages: the button shows only where the clipboard can be
// written (with JavaScript, over HTTPS or on localhost), and says what happened in its status line.
for (const button of document.querySelectorAll("button[data-cmp-copy]")) {
  const source = document.getElementById(button.dataset.cmpCopy);
  const status = button.parentElement.querySelector("[role=status]");
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const text = source.innerText.replace(/\s+/g, " ").trim();
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "Copied.";
    } catch {
      status.textContent = "Could not copy: select the reference and copy it instead.";
    }
  });
}

// Staff console: ask before destructive buttons. No inline script anywhere (CSP).
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.classList.contains("danger") && !button.dataset.confirmed) {
    if (!window.confirm(button.textContent.trim() + "?")) event.preventDefault();
  }
});

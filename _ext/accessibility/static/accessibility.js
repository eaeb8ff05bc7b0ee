// Keep keyboard focus where the reader is. sphinx-book-theme blurs its toolbar buttons when they are
// clicked (to hide their tooltip), so after Enter or Space on one, focus fell to the page, and a dialog
// the button opened (the chapter list on a phone, the search) gave focus back to the page when it
// closed. For a keyboard click (event.detail 0), focus goes back to the button.
(() => {
  const buttons = ".primary-toggle, .secondary-toggle, .theme-switch-button, .search-button__button, .btn-fullscreen-button";
  let opener = null;
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(buttons);
    if (!button || event.detail !== 0) return;
    opener = button;
    setTimeout(() => {
      if (document.activeElement === document.body && !document.querySelector("dialog[open]")) button.focus();
    });
  }, true);
  // "close" does not bubble, but a listener on the document still sees it in the capture phase.
  document.addEventListener("close", (event) => {
    if (event.target.tagName === "DIALOG" && opener && opener.isConnected) {
      setTimeout(() => { if (document.activeElement === document.body) opener.focus(); opener = null; });
    }
  }, true);
})();

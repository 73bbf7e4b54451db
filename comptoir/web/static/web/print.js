// Print buttons of receipts and Z reports (no inline handlers: the CSP forbids them).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
if (document.body.dataset.autoprint === "1") window.addEventListener("load", () => window.print());

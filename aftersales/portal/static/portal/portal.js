/* The case page of the portal. No code from elsewhere. */

// The case polls for changes every few seconds; it waits while the customer is typing in it
// (a reason to reject a fix) so a redraw never loses what they wrote.
window.portalBusy = () => {
  const live = document.getElementById("case-live");
  if (!live) return false;
  return Array.from(live.querySelectorAll("textarea, input[type=text]")).some(
    (field) => field === document.activeElement || field.value.trim() !== "",
  ) || Array.from(live.querySelectorAll("[x-show]")).some(
    (el) => el.tagName === "FORM" && el.style.display !== "none",
  );
};

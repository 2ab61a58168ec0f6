// The door kiosk: keep the scanner's input focused, type on the keypad, play answer sounds.
(function () {
  const input = () => document.getElementById("kiosk-code");
  const refocus = () => setTimeout(() => {
    const field = input();
    if (field && document.activeElement !== field) field.focus({ preventScroll: true });
  }, 0);
  document.addEventListener("pointerup", refocus, true);
  document.addEventListener("focusout", refocus, true);
  window.glKioskKey = (key) => {
    const field = input();
    if (!field) return;
    if (key === "back") field.value = field.value.slice(0, -1);
    else if (key === "clear") field.value = "";
    else if (key === "enter") field.form.requestSubmit();
    else field.value = (field.value + key).slice(0, field.maxLength > 0 ? field.maxLength : 64);
    refocus();
  };
  window.glKioskSound = (kind) => {
    try { new Audio("/sounds/" + kind + ".wav").play().catch(() => {}); } catch (e) { /* no sound */ }
  };
})();

// The dashboard: a refusal at a door kiosk makes a short, low two-tone sound, so the desk
// notices without watching the screen; each browser can switch it off (remembered).
(() => {
  const SWITCH_KEY = "gym_live_refusal_sound"; // "off": muted (DeskState.refusal_sound)
  const REFUSED_AT_A_KIOSK =
    '.gl-feed-row.gl-new[data-kind="denied"][data-from-kiosk="yes"]';
  let audio;
  window.glDeskSound ||= () => {
    audio ||= new AudioContext();
    const start = audio.currentTime;
    [440, 330].forEach((hertz, n) => {
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      const at = start + n * 0.16;
      tone.type = "square";
      tone.frequency.value = hertz;
      volume.gain.setValueAtTime(0.06, at);
      volume.gain.exponentialRampToValueAtTime(0.001, at + 0.14);
      tone.connect(volume).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.15);
    });
  };
  new MutationObserver((changes) => {
    if (localStorage.getItem(SWITCH_KEY) === "off") return;
    const refused = changes.some((change) =>
      [...change.addedNodes].some((node) => node.matches?.(REFUSED_AT_A_KIOSK)),
    );
    if (refused) window.glDeskSound("refusal");
  }).observe(document.body, { subtree: true, childList: true });
})();

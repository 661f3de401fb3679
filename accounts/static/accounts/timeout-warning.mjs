// "You will be signed out soon": the GOV.UK timeout warning pattern, two minutes before the idle limit.
//
// The server ends a session after SESSION_IDLE_MINUTES without a request. Typing in a form counts as being
// there: it tells the server (at most once a minute), so nobody is signed out in the middle of writing to
// their officer. When the time does run out, a page with something typed in it stays where it is, so the
// words can be copied before signing in again; the draft is never stored in the browser, where the next
// person at a shared computer could find it.

const dialog = document.getElementById("timeout-warning");

if (dialog) {
  const idleSeconds = Number(dialog.dataset.idleSeconds);
  const warnSeconds = Number(dialog.dataset.warnSeconds);
  const keepAliveUrl = dialog.dataset.keepAliveUrl;
  const signInUrl = dialog.dataset.signInUrl;
  const countdown = dialog.querySelector("[data-countdown]");
  const longestTimer = 2 ** 31 - 1; // setTimeout fires at once for anything longer
  let signOutAt = 0;
  let warnTimer = null;
  let tickTimer = null;
  let lastKeptAlive = Date.now();

  const describe = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const somethingTyped = () =>
    [...document.querySelectorAll("main textarea, main input[type=text], main input[type=email]")].some(
      (field) => field.value.trim() !== "" && field.value !== field.defaultValue,
    );

  const timeUp = () => {
    clearInterval(tickTimer);
    if (somethingTyped()) {
      dialog.querySelector("[data-when-warning]").hidden = true;
      dialog.querySelector("[data-when-signed-out]").hidden = false;
      return;
    }
    window.location.href = `${signInUrl}?next=${encodeURIComponent(window.location.pathname)}`;
  };

  const tick = () => {
    const left = Math.max(0, Math.round((signOutAt - Date.now()) / 1000));
    countdown.textContent = describe(left);
    if (left === 0) timeUp();
  };

  const warn = () => {
    tick();
    if (!dialog.open) dialog.showModal();
    tickTimer = setInterval(tick, 1000);
  };

  const startClock = () => {
    clearTimeout(warnTimer);
    clearInterval(tickTimer);
    lastKeptAlive = Date.now();
    signOutAt = Date.now() + idleSeconds * 1000;
    const delay = (idleSeconds - warnSeconds) * 1000;
    if (delay < longestTimer) warnTimer = setTimeout(warn, Math.max(0, delay));
  };

  const keepAlive = async () => {
    const response = await fetch(keepAliveUrl, { credentials: "same-origin", redirect: "manual" });
    if (response.ok) startClock();
    else timeUp();
  };

  dialog.querySelector("[data-stay]").addEventListener("click", async () => {
    await keepAlive();
    dialog.close();
  });
  // Escape closes the dialog as "stay signed in" would: the person is clearly there.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    dialog.querySelector("[data-stay]").click();
  });
  document.addEventListener("input", () => {
    if (!dialog.open && Date.now() - lastKeptAlive > 60_000) keepAlive();
  });

  startClock();
}

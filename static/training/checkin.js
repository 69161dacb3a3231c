// The QR check-in screen: fetch the current code and the counts every few
// seconds and swap them in, so a projector shows a fresh code (it changes
// every 20 seconds) and who is still missing, without anyone reloading.
(() => {
  const live = document.getElementById("checkin-live");
  if (!live) return;
  const every = Number(live.dataset.refreshMs) || 3000;
  const refresh = async () => {
    try {
      const response = await fetch(live.dataset.liveUrl, { headers: { Accept: "text/html" }, cache: "no-store" });
      if (response.ok) live.innerHTML = await response.text();
    } catch (error) {
      // Offline for a moment: keep the last code, try again.
    }
    window.setTimeout(refresh, every);
  };
  window.setTimeout(refresh, every);
})();

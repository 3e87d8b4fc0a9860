// Progressive enhancement only: every page reads and works without this file.
// Chapter timestamps seek the page's player instead of opening the audio file.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.timestamp[data-start]");
  const player = document.getElementById("player");
  if (!link || !player) return;
  event.preventDefault();
  player.currentTime = Number(link.dataset.start);
  player.play().catch(() => {});
  player.focus();
});

// The steward's desk in the browser: the name remembered, and the keys (j/k move, a/c/r decide, u undo, / search).
// Served by the page itself (its Content-Security-Policy runs no other script); without it every form still works.
(() => {
  "use strict";
  const STORE = "evidence-extract.steward";
  document.documentElement.classList.add("js");

  const steward = document.getElementById("steward");
  const nameFields = () => document.querySelectorAll("input.steward-name");
  const remembered = () => (localStorage.getItem(STORE) || "").trim();
  function spread(name) {
    nameFields().forEach((field) => { field.value = name; });
  }
  if (steward) {
    steward.value = remembered();
    spread(steward.value);
    steward.addEventListener("input", () => {
      localStorage.setItem(STORE, steward.value.trim());
      spread(steward.value.trim());
    });
  }
  // A form sent without a name would be refused: ask for the name first, where it is typed once.
  document.querySelectorAll("form.decide, form.undo, form.bulk").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const name = steward ? steward.value.trim() : "";
      if (steward && !name) {
        event.preventDefault();
        steward.focus();
        steward.setAttribute("aria-invalid", "true");
        steward.placeholder = "type your name first";
        return;
      }
      form.querySelectorAll("input.steward-name").forEach((field) => { field.value = name; });
    });
  });

  const cards = Array.from(document.querySelectorAll("section.failure"));
  const named = cards.findIndex((card) => "#" + card.id === location.hash);
  let current = Math.max(0, named);
  function show(index, scroll) {
    if (!cards.length) return;
    current = Math.min(Math.max(index, 0), cards.length - 1);
    cards.forEach((card, i) => card.classList.toggle("current", i === current));
    if (scroll) {
      cards[current].scrollIntoView({ block: "start" });
      history.replaceState(null, "", "#" + cards[current].id);
    }
  }
  show(current, named >= 0);

  function submit(form) {
    if (!form) return;
    if (typeof form.requestSubmit === "function") form.requestSubmit(); else form.submit();
  }
  function decide(card, action) {
    const form = card.querySelector("form.decide");
    if (!form) return;
    const details = form.closest("details");
    if (details) details.open = true;
    form.elements.namedItem("action").value = action;
    if (action === "correct") {
      form.elements.namedItem("value").focus();
      return;
    }
    submit(form);
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, button, summary")) return;
    const card = cards[current];
    switch (event.key) {
      case "j": show(current + 1, true); break;
      case "k": show(current - 1, true); break;
      case "a": if (card) decide(card, "accept"); break;
      case "r": if (card) decide(card, "reject"); break;
      case "c": if (card) decide(card, "correct"); break;
      case "u": if (card) submit(card.querySelector("form.undo")); break;
      case "/": document.querySelector("#search input[name=q]").focus(); break;
      default: return;
    }
    event.preventDefault();
  });
  cards.forEach((card, i) => card.addEventListener("click", () => show(i, false)));
})();

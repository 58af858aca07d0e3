/* Monthly KPI entry: check each value against its ranges and the firm's own history as it is typed.
   The server checks again on Save (validation unchanged); this only tells people sooner.
   Keyboard: one Tab stop per KPI; Alt+N toggles "not measured", Alt+M jumps to the comment. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-entry-form]");
  if (!form) { return; }

  function parse(text) {
    var t = (text || "").trim().replace(/[\s\u00a0]/g, "");
    if (t === "") { return null; }
    if (/^[+-]?\d+,\d+$/.test(t) && !/^[+-]?[1-9]\d{0,2},\d{3}$/.test(t)) { t = t.replace(",", "."); }
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) { return NaN; }
    return parseFloat(t);
  }

  function fmt(n) {
    return Math.abs(n) >= 1000 ? Math.round(n).toLocaleString("en") : String(Math.round(n * 100) / 100);
  }

  function parts(input) {
    var code = input.id.replace(/^value-/, "");
    return {
      code: code,
      nil: document.getElementById("nil-" + code),
      comment: document.getElementById("comment-" + code),
      out: document.getElementById("check-" + code)
    };
  }

  // On a phone an empty comment stays folded until it is needed or asked for, so a month fits on fewer screens.
  function collapse(p, folded) {
    var box = document.getElementById("comment-box-" + p.code);
    var button = document.querySelector("[data-show-comment='" + p.code + "']");
    if (box) { box.classList.toggle("bc-folded", folded); }
    if (button) { button.hidden = !folded; }
  }

  function verdict(input, p) {
    var d = input.dataset, v = parse(input.value);
    if (p.nil && p.nil.checked) { return {level: "ok", text: "Not measured this month."}; }
    if (v === null) { return {level: "", text: ""}; }
    if (isNaN(v)) { return {level: "error", text: "Not a number. Use digits with '.' or ',' as the decimal mark."}; }
    if (v < +d.hardMin || v > +d.hardMax) {
      return {level: "error", text: "Outside the allowed range " + fmt(+d.hardMin) + " to " + fmt(+d.hardMax) + ": Save will refuse it."};
    }
    var hasComment = p.comment && p.comment.value.trim() !== "";
    if (v < +d.softMin || v > +d.softMax) {
      return {level: hasComment ? "ok" : "warn", needsComment: true,
              text: "Outside the usual range " + fmt(+d.softMin) + " to " + fmt(+d.softMax) + (hasComment ? "; comment given." : ": add a comment explaining it.")};
    }
    if (d.usual !== undefined && Math.abs(v - +d.usual) > +d.jump) {
      var pctChange = +d.usual !== 0 ? Math.round((v - +d.usual) / Math.abs(+d.usual) * 100) : null;
      return {level: hasComment ? "ok" : "warn", needsComment: true,
              text: "Far from your usual " + fmt(+d.usual) + (pctChange !== null ? " (" + (pctChange > 0 ? "+" : "") + pctChange + "%)" : "") +
                    (hasComment ? "; comment given." : ". Is it right? Please add a comment.")};
    }
    return {level: "ok", text: "\u2713 within the usual range"};
  }

  function check(input) {
    var p = parts(input), r = verdict(input, p);
    p.out.textContent = r.text;
    p.out.className = "small mt-1 bc-check " + (r.level === "error" ? "text-danger" : r.level === "warn" ? "text-warning-emphasis fw-semibold" : "text-success");
    input.classList.toggle("is-invalid", r.level === "error");
    input.classList.toggle("bc-warn", r.level === "warn");
    if (p.comment) {
      p.comment.tabIndex = r.needsComment ? 0 : -1;  // the comment joins the Tab order only when it is asked for
      p.comment.classList.toggle("border-warning", r.level === "warn");
      collapse(p, !r.needsComment && p.comment.value.trim() === "" && input.dataset.opened !== "1");
    }
  }

  var inputs = form.querySelectorAll("input[data-kpi-value]");
  Array.prototype.forEach.call(inputs, function (input) {
    var p = parts(input);
    if (p.nil) { p.nil.tabIndex = -1; p.nil.addEventListener("change", function () { check(input); }); }
    if (p.comment) { p.comment.tabIndex = -1; p.comment.addEventListener("input", function () { check(input); }); }
    input.addEventListener("input", function () { check(input); });
    var show = document.querySelector("[data-show-comment='" + p.code + "']");
    if (show) {
      show.addEventListener("click", function () { input.dataset.opened = "1"; collapse(p, false); p.comment.tabIndex = 0; p.comment.focus(); });
    }
    input.addEventListener("keydown", function (e) {
      if (e.altKey && (e.key === "n" || e.key === "N") && p.nil) { e.preventDefault(); p.nil.checked = !p.nil.checked; check(input); }
      if (e.altKey && (e.key === "m" || e.key === "M") && p.comment) { e.preventDefault(); p.comment.focus(); }
    });
    check(input);
  });
})();

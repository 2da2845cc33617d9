// drafter serve: sends each changed answer to the server and shows what comes back.
// Validation, conditions, progress and the preview are all computed by the server
// (the same session the terminal uses); this script only moves values and text.
"use strict";
(function () {
  const form = document.getElementById("answers");
  if (!form) return;
  document.documentElement.classList.add("js");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const answerUrl = form.dataset.answerUrl;
  const confirmUrl = form.dataset.confirmUrl;
  const status = document.getElementById("status");
  const timers = new Map();
  let sent = 0;        // sequence number of the last request sent
  let shown = 0;       // sequence number of the last state shown
  let pending = 0;

  function fieldOf(el) { return el.closest(".field"); }

  function valueOf(field) {
    const name = field.dataset.name;
    switch (field.dataset.widget) {
      case "list":
        return Array.from(field.querySelectorAll(".rows input")).map((i) => i.value);
      case "checkboxes":
        return Array.from(field.querySelectorAll("input[type=checkbox]:checked")).map((i) => i.value);
      case "bool":
      case "choice": {
        const chosen = field.querySelector("input[type=radio]:checked");
        if (chosen) return chosen.value;
        const select = field.querySelector("select");
        return select ? select.value : "";
      }
      default:
        return form.elements[name].value;
    }
  }

  function say(text) { status.textContent = text; }

  // "1" while an answer waits for its timer or the server; tests and the page's status use it.
  function busy() { form.dataset.busy = timers.size || pending ? "1" : "0"; }
  busy();

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({error: "服务器没有正常回应，请刷新页面。"}));
    if (!response.ok && !data.error) data.error = "保存失败，请刷新页面后重试。";
    return data;
  }

  async function send(field) {
    const name = field.dataset.name;
    const seq = ++sent;
    pending++;
    say("正在保存…");
    try {
      const data = await post(answerUrl, {name: name, value: valueOf(field)});
      showError(field, data.error || "");
      if (seq > shown && data.applicable) { shown = seq; show(data); }
      say(data.error ? "这一项未保存：请按提示修改" : "已保存");
    } catch (e) {
      say("无法连接 drafter serve：它是否已经停止？答案已保存到上一次成功为止。");
    } finally {
      pending--;
      busy();
    }
  }

  function schedule(field, delay) {
    clearTimeout(timers.get(field));
    timers.set(field, setTimeout(() => { timers.delete(field); send(field); busy(); }, delay));
    busy();
  }

  function showError(field, message) {
    field.querySelector(".error").textContent = message;
    const control = field.querySelector("#f-" + CSS.escape(field.dataset.name));
    if (control) {
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }
  }

  function show(data) {
    const applicable = new Set(data.applicable);
    form.querySelectorAll(".field").forEach((f) => { f.hidden = !applicable.has(f.dataset.name); });
    const unchanged = new Set(data.unchanged);
    form.querySelectorAll(".unchanged").forEach((p) => {
      p.hidden = !unchanged.has(p.id.slice(2));
    });
    Object.entries(data.starts || {}).forEach(([name, text]) => follow(name, text));
    const groups = new Map(data.groups.map((g) => [g.title, g]));
    document.querySelectorAll(".count[data-group]").forEach((c) => {
      const g = groups.get(c.dataset.group);
      c.textContent = g ? g.answered + "/" + g.total : "";
      c.classList.toggle("done", !!g && g.answered === g.total);
    });
    const overall = document.getElementById("overall");
    overall.max = data.total; overall.value = data.answered;
    document.getElementById("overall-count").textContent = data.answered + " / " + data.total;
    const missing = document.getElementById("missing");
    missing.replaceChildren(...data.missing.map((m) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = "#f-" + m.name; a.textContent = m.title;
      li.append(a); return li;
    }));
    document.getElementById("missing-box").hidden = data.missing.length === 0;
    lines("measure", data.measure);
    lines("findings", data.findings.length
      ? data.findings.map((f) => f.where + "：" + f.text) : ["校对：未发现问题。"]);
    const error = document.getElementById("preview-error");
    error.textContent = data.preview_error; error.hidden = !data.preview_error;
    document.getElementById("preview").innerHTML = data.preview;  // escaped by the server
  }

  // An unanswered field shows its start value, which may follow earlier answers
  // (a default computed from them); never touch a field the user has worked in, even
  // one she emptied on purpose.
  function follow(name, text) {
    const field = document.getElementById("q-" + name);
    if (!field || field.dataset.touched || timers.has(field)
        || field.contains(document.activeElement)) return;
    const radios = field.querySelectorAll("input[type=radio]");
    if (radios.length) {
      radios.forEach((r) => { r.checked = r.value === text; });
      return;
    }
    const control = field.querySelector("#f-" + CSS.escape(name));
    if (control && "value" in control && control.value !== text) control.value = text;
  }

  function lines(id, texts) {
    document.getElementById(id).replaceChildren(...texts.map((t) => {
      const li = document.createElement("li"); li.textContent = t; return li;
    }));
  }

  // ---- list rows: add, remove, reorder, paste several lines ----
  function button(label, cls, title) {
    const b = document.createElement("button");
    b.type = "button"; b.className = cls; b.textContent = label; b.title = title;
    b.setAttribute("aria-label", title);
    return b;
  }

  function decorate(row) {
    if (row.querySelector(".controls")) return;
    const input = row.querySelector("input");
    const line = document.createElement("div");
    line.className = "row-line";
    row.insertBefore(line, input);
    line.append(input);
    const controls = document.createElement("span");
    controls.className = "controls";
    controls.append(button("↑", "up", "上移这一项"), button("↓", "down", "下移这一项"),
                    button("删除", "remove", "删除这一项"));
    line.append(controls);
  }

  function renumber(list) {
    const field = fieldOf(list);
    const title = field.querySelector("legend").firstChild.textContent.trim();
    list.querySelectorAll(".row input").forEach((input, i) => {
      input.setAttribute("aria-label", title + " 第 " + (i + 1) + " 项");
    });
  }

  function newRow(list, value, after) {
    const row = document.createElement("li");
    row.className = "row";
    const input = document.createElement("input");
    input.type = "text"; input.name = fieldOf(list).dataset.name; input.value = value;
    input.autocomplete = "off";
    row.append(input);
    decorate(row);
    list.insertBefore(row, after ? after.nextSibling : null);
    return row;
  }

  form.querySelectorAll(".field[data-widget=list]").forEach((field) => {
    const list = field.querySelector(".rows");
    list.querySelectorAll(".row").forEach(decorate);
    const add = button("＋ 添加一项", "add", "添加一项");
    add.textContent = "＋ 添加一项";
    list.after(add);
    add.addEventListener("click", () => {
      const row = newRow(list, "", null);
      renumber(list);
      row.querySelector("input").focus();
    });
    renumber(list);
  });

  form.addEventListener("click", (event) => {
    const b = event.target.closest("button");
    if (!b) return;
    const row = b.closest(".row");
    if (b.dataset.confirm) { confirmUnchanged(b.dataset.confirm); return; }
    if (!row) return;
    const list = row.parentElement, field = fieldOf(list);
    if (b.classList.contains("remove")) {
      const next = row.nextElementSibling || row.previousElementSibling;
      if (list.children.length > 1) row.remove(); else row.querySelector("input").value = "";
      (next || list.querySelector(".row")).querySelector("input").focus();
    } else if (b.classList.contains("up") && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling); b.focus();
    } else if (b.classList.contains("down") && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row); b.focus();
    } else {
      return;
    }
    renumber(list);
    schedule(field, 0);
  });

  form.addEventListener("paste", (event) => {
    const input = event.target;
    if (!input.closest || !input.closest(".row")) return;
    const text = (event.clipboardData || window.clipboardData).getData("text");
    const parts = text.split(/\r\n|\r|\n/).map((s) => s.trim()).filter((s) => s);
    if (parts.length < 2) return;
    event.preventDefault();
    const start = input.selectionStart, end = input.selectionEnd;
    input.value = input.value.slice(0, start) + parts[0] + input.value.slice(end);
    let row = input.closest(".row");
    const list = row.parentElement;
    for (const part of parts.slice(1)) row = newRow(list, part, row);
    renumber(list);
    row.querySelector("input").focus();
    schedule(fieldOf(list), 0);
  });

  // ---- sending ----
  form.addEventListener("input", (event) => {
    const field = fieldOf(event.target);
    if (!field) return;
    field.dataset.touched = "1";
    const typed = event.target.matches("input[type=text], textarea");
    schedule(field, typed ? 500 : 0);
  });
  form.addEventListener("change", (event) => {
    const field = fieldOf(event.target);
    if (!field) return;
    field.dataset.touched = "1";
    schedule(field, 0);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    form.querySelectorAll(".field").forEach((f) => { if (!f.hidden) schedule(f, 0); });
  });

  async function confirmUnchanged(name) {
    const data = await post(confirmUrl, {names: [name]});
    if (data.applicable) show(data);
  }

  // Leaving the page with an answer still waiting for its timer: send it now; keepalive
  // lets the request finish after the page is gone.
  window.addEventListener("pagehide", () => {
    timers.forEach((t, field) => {
      clearTimeout(t);
      fetch(answerUrl, {
        method: "POST", keepalive: true, credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
        body: JSON.stringify({name: field.dataset.name, value: valueOf(field)}),
      });
    });
    timers.clear();
  });

  const restart = document.getElementById("restart");
  if (restart) restart.addEventListener("submit", (event) => {
    if (!window.confirm("确定清空这个模板的全部答案、重新开始吗？此操作不能撤销。")) event.preventDefault();
  });
})();

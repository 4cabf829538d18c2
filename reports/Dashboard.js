// 清理规范 dashboard (reports/dashboard.py): send the register upload form with fetch and
// show the answer under it, instead of leaving Fava for the endpoint's JSON. Its words
// come with the page (data-texts, dashboard.SCRIPT_TEXTS: by their Chinese, in Fava's
// language), so the answer reads in the page's language.

let TEXTS = {};

// The text in the page's language, its {names} filled in from values.
function t(text, values = {}) {
  const template = TEXTS[text] ?? text;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function showResult(box, status, result) {
  box.replaceChildren();
  if (status === 401) {
    box.append(element("p", t("Fava 以只读模式运行：不能导入。"), "notice error"));
    return;
  }
  if (result == null) {
    box.append(element("p", t("导入请求失败（HTTP {status}）。", { status }), "notice error"));
    return;
  }
  if (result.ok) {
    const added = result.new
      ? t("新增 {new} 项，{entries} 条分录已追加到 {target}", result)
      : t("没有新的条目");
    box.append(
      element(
        "p",
        t("{file}：{rows} 行；{added}；账本已有 {skipped} 项（跳过）。", { ...result, added }),
        "notice",
      ),
    );
    if ((result.summary || []).length) {
      box.append(element("pre", result.summary.join("\n")));
    }
    if (result.new) {
      const again = element("a", t("刷新看板"));
      again.href = window.location.href;
      box.append(again);
    }
  } else {
    box.append(
      element(
        "p",
        t("{file} 未能导入，{target} 未作任何改动：", {
          file: result.file || t("登记表"),
          target: result.target,
        }),
        "notice error",
      ),
    );
    box.append(element("pre", (result.errors || []).join("\n")));
  }
  for (const warning of result.warnings || []) {
    box.append(element("p", warning, "warn"));
  }
}

export default {
  onExtensionPageLoad(ctx) {
    const form = document.getElementById("liaison-import-form");
    const box = document.getElementById("liaison-import-result");
    if (!form || !box || form.dataset.bound) return;
    form.dataset.bound = "1";
    try {
      TEXTS = JSON.parse(box.dataset.texts || "{}");
    } catch {
      TEXTS = {};
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      box.replaceChildren(element("p", t("正在导入……"), "muted"));
      try {
        const response = await ctx.api.request(
          "import_register",
          "POST",
          undefined,
          new FormData(form),
          "raw",
        );
        let result = null;
        try {
          result = await response.json();
        } catch {
          result = null;
        }
        showResult(box, response.status, result);
      } catch (error) {
        box.replaceChildren(
          element("p", t("导入请求失败：{error}", { error }), "notice error"),
        );
      } finally {
        button.disabled = false;
      }
    });
  },
};

// 清理规范 dashboard (reports/dashboard.py): send the register upload form with fetch and
// show the answer under it, instead of leaving Fava for the endpoint's JSON.

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function showResult(box, status, result) {
  box.replaceChildren();
  if (status === 401) {
    box.append(element("p", "Fava 以只读模式运行：不能导入。", "notice error"));
    return;
  }
  if (result == null) {
    box.append(element("p", `导入请求失败（HTTP ${status}）。`, "notice error"));
    return;
  }
  if (result.ok) {
    const added = result.new
      ? `新增 ${result.new} 项，${result.entries} 条分录已追加到 ${result.target}`
      : "没有新的条目";
    box.append(
      element(
        "p",
        `${result.file}：${result.rows} 行；${added}；账本已有 ${result.skipped} 项（跳过）。`,
        "notice",
      ),
    );
    if ((result.summary || []).length) {
      box.append(element("pre", result.summary.join("\n")));
    }
    if (result.new) {
      const again = element("a", "刷新看板");
      again.href = window.location.href;
      box.append(again);
    }
  } else {
    box.append(
      element(
        "p",
        `${result.file || "登记表"} 未能导入，${result.target} 未作任何改动：`,
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
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      box.replaceChildren(element("p", "正在导入……", "muted"));
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
        box.replaceChildren(element("p", `导入请求失败：${error}`, "notice error"));
      } finally {
        button.disabled = false;
      }
    });
  },
};

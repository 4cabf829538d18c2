"""清理规范 — the Fava extension of SPEC section 6: one page for the finance bureau.

Write in the ledger::

    2010-01-01 custom "fava-extension" "reports.dashboard"

or, to send uploaded inventory registers into another file than the main ledger (a path
relative to the main ledger's folder)::

    2010-01-01 custom "fava-extension" "reports.dashboard" "{'import-into': 'reg.bean'}"

The page (``/<slug>/extension/Dashboard/``, "清理规范" in the sidebar) shows, at the
as-of date:

- every program's phases on a timeline with a marker at the as-of date, and its
  deadlines (ban-from, register-by, decide-by, dispose-by, delink-by) with days left or
  past;
- every office: dispatcher, level and kind, what the program requires, the decision and
  its date, the registration, physical assets at the start / disposed / left (count and
  value) with a progress bar, Cash and 应缴财政款 still held, its violations;
- the violations grouped by rule (code, name, clause, count, the catalogue's
  explanation as ``liaison explain`` prints it: in Chinese, the English beneath it) and
  then by office, each linked to its entry in Fava's editor;
- a form to upload an inventory register (xlsx or CSV): ``import_register`` runs
  ``liaison import inventory`` on it against the ledger and appends the new entries to
  the target file. Fava's own Import page cannot do this: it saves only transactions,
  balances and notes, never the ``open`` directives a register is made of.

The page's own texts (headings, column names, buttons, statuses, the upload's messages)
follow Fava's language: the ledger's ``custom "fava-option" "language"``, else the
browser's as Fava chooses it; English for ``en``, Chinese otherwise and by default
(``reports.dashboard_texts``). The rules' messages and explanations stay as the
catalogue writes them.

The as-of date is the ledger's ``plugin "plugins.rules"`` config's ``as-of``, else
today; ``?as_of=YYYY-MM-DD`` on the page's address overrides it. The page shows the
rules as the plugin runs them in Fava (the config's ``disable`` and ``only`` are
honoured, so the page agrees with Fava's Errors page; ``liaison check`` runs every
rule): where the ledger declares the plugin, the very run of Fava's load, and the rules
run again only for another as-of date (``reports.dashboard_run``). The page ignores
Fava's time, account and filter selection: the program is judged on the whole ledger.

This module is the extension only: it hands Fava's ledger and Flask's request to
functions that know neither. The page's contents are built by
``reports.dashboard_page.build_page`` from the books and the violations, the upload is
``reports.dashboard_upload``, money and explanations are written by
``reports.dashboard_html``; the templates (``templates/Dashboard.html``,
``templates/DashboardImport.html``) and the script (``Dashboard.js``) lie beside it.
Pages are cached per load of the ledger and as-of date.
"""

from __future__ import annotations

import datetime
import threading
from pathlib import Path
from typing import Any

from fava.ext import FavaExtensionBase
from fava.ext import extension_endpoint
from markupsafe import Markup

from plugins import engine
from plugins.catalogue import PolicyViolation
from reports import dashboard_html
from reports import dashboard_page
from reports import dashboard_run
from reports import dashboard_upload
from reports.dashboard_texts import Texts
from reports.dashboard_texts import page_language


class Dashboard(FavaExtensionBase):
    """清理规范: the program's phases, the offices' progress, the violations, an upload."""

    report_title = "清理规范"
    has_js_module = True
    money_text = staticmethod(dashboard_html.money_text)
    explanation_html = staticmethod(dashboard_html.explanation_html)

    def __init__(self, ledger: Any, config: str | None = None) -> None:
        super().__init__(ledger, config)
        # Fava loads the ledger itself: from now on the plugin keeps each load's run for
        # the page (``liaison serve`` asks before the first load)
        engine.keep_load_runs()
        self._cache: dict[datetime.date | None, dashboard_page.Page] = {}
        self._cache_key: object = None
        self._lock = threading.Lock()

    # -- Fava's hooks --

    def after_load_file(self) -> None:
        with self._lock:
            self._cache.clear()

    # -- the page (its template calls these) --

    def page(self, as_of: datetime.date | None = None) -> dashboard_page.Page:
        """The page at ``as_of``; computed once per load of the ledger and date."""
        ledger = self.ledger
        key = (id(ledger.all_entries), ledger.mtime)
        with self._lock:
            if key != self._cache_key:
                self._cache.clear()
                self._cache_key = key
            cached = self._cache.get(as_of)
        if cached is not None:
            return cached
        judged = dashboard_run.judge(
            ledger.all_entries, ledger.options, ledger.load_errors, as_of=as_of
        )
        errors = [e for e in ledger.load_errors if not isinstance(e, PolicyViolation)]
        page = dashboard_page.build_page(
            judged.books,
            judged.violations,
            title=ledger.options.get("title") or "",
            as_of_source=judged.source,
            disabled=judged.config.disabled,
            only=judged.config.only,
            beancount_errors=len(errors),
        )
        with self._lock:
            if self._cache_key == key:
                self._cache[as_of] = page
        return page

    def texts(self) -> Texts:
        """The page's texts in Fava's language: the ledger's ``language`` option, else
        the request's locale as Fava chooses it, else Chinese."""
        from fava import LOCALES
        from flask import has_request_context
        from flask import request

        locale = self.ledger.fava_options.language
        if not locale and has_request_context():
            locale = request.accept_languages.best_match(["en", *LOCALES])
        return Texts(page_language(locale))

    def requested_as_of(self) -> tuple[datetime.date | None, str]:
        """The ``?as_of=`` of the request, and a problem with it if any."""
        from flask import request

        text = (request.args.get("as_of") or "").strip()
        if not text:
            return None, ""
        try:
            return datetime.date.fromisoformat(text), ""
        except ValueError:
            problem = "as_of 应为 YYYY-MM-DD 格式的日期：{text}，已改用默认日期"
            return None, self.texts()(problem, text=repr(text))

    def source_url(self, item: dashboard_page.Item) -> str:
        """Where Fava shows the violation's entry: its editor at the line (as the
        Errors page links), or the external editor if the ledger asks for one."""
        from fava.application import url_for

        line = str(item.lineno or 1)
        if self.ledger.fava_options.use_external_editor:
            return f"beancount://{item.filename}?lineno={line}"
        return url_for("report", report_name="editor", file_path=item.filename, line=line)

    def endpoint_url(self, endpoint: str) -> str:
        """The address of one of this extension's endpoints.

        Flask's ``url_for`` cannot be given the route's ``endpoint`` argument (it is the
        name of its own first parameter), so it is put after the page's address.
        """
        from fava.application import url_for

        page = url_for("extension_report", extension_name=self.name).split("?", 1)[0]
        return f"{page}{endpoint}"

    def read_only(self) -> bool:
        """Whether Fava runs with ``--read-only`` (it then refuses every POST itself)."""
        from flask import current_app

        return refuses_changes(current_app)

    def config_problems(self, t: Texts | None = None) -> list[str]:
        """What is wrong with the extension's config string (shown on the page)."""
        return dashboard_upload.config_problems(self.config, t)

    def import_target(self) -> Path:
        """The file uploads are appended to: ``import-into``, else the main ledger."""
        return dashboard_upload.import_target(self.config, self._main())

    def shown_path(self, path: Path) -> str:
        """``path`` relative to the main ledger's folder where it lies inside it."""
        return dashboard_upload.shown_path(path, self._main())

    def target_included(self) -> bool:
        return dashboard_upload.included(self.import_target(), self._includes())

    # -- the upload --

    # Fava types the decorator's factory form with an unbound TypeVar (mypy: Never).
    @extension_endpoint("import_register", ["POST"])  # type: ignore[arg-type]
    def import_register(self) -> Any:
        """Append an uploaded inventory register's entries to the target file.

        Answers JSON (HTTP 200 with the counts, or 400, 403, 413 with every problem and
        nothing written); a browser posting the form without script gets a page instead.
        """
        from flask import jsonify
        from flask import request

        t = self.texts()
        result, status = dashboard_upload.receive(
            request,
            ledger=self._main(),
            config=self.config,
            includes=self._includes(),
            t=t,
        )
        if dashboard_upload.wants_html(request):
            return self._result_page(result, t), status
        return jsonify(result.as_json()), status

    def _result_page(self, result: dashboard_upload.ImportResult, t: Texts) -> str:
        from flask import render_template

        template = self.jinja_env.get_template("DashboardImport.html")
        content = Markup(template.render(result=result, extension=self, t=t))  # noqa: S704
        return render_template(
            "_layout.html", content=content, page_title=t("导入资产清查登记表")
        )

    def _main(self) -> Path:
        return Path(self.ledger.beancount_file_path)

    def _includes(self) -> list[str]:
        return list(self.ledger.options.get("include") or ())


def refuses_changes(app: Any) -> bool:
    """Whether the Fava app refuses every change: it runs ``--read-only``.

    Fava 1.30 keeps that flag nowhere it shows (no ``fava-option``, nothing in the app's
    config or its templates' data); what it does with it is public: every request but a
    GET is refused with 401 before it reaches a page. So the app is asked as a form post
    would be: Flask's ``preprocess_request`` runs its request checks on a POST to its
    root, in an application context of its own (no ledger: nothing loads or reloads, and
    the request being answered keeps its ``g``).
    """
    from werkzeug.exceptions import HTTPException

    with app.app_context(), app.test_request_context("/", method="POST"):
        try:
            app.preprocess_request()
        except HTTPException as refused:
            return refused.code == 401
    return False

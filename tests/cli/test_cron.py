"""Unattended runs: the TOML config, the key under cron, the log, and secrets kept out of everything."""

from __future__ import annotations

from tests.conftest import API_KEY, ROOT, USER_ID, library_items

EXAMPLES = ROOT / "examples"


def write_config(tmp_path, sandbox, state_dir):
    config = tmp_path / "zotsync.toml"
    config.write_text(f'''
library = "user:{USER_ID}"
api_url = "{sandbox.url}"
state_dir = "{state_dir}"

[[sources]]
paths = ["{EXAMPLES}/*.bib"]
collection = "LaTeX projects"
tags = ["from-bibtex"]

[[sources]]
paths = ["{EXAMPLES}/iris-*.txt", "{EXAMPLES}/repository-page.html"]
collection = "My publications"
''')
    return config


def test_configured_sources_sync_quietly_with_collections_and_tags(cli, sandbox, tmp_path):
    config = write_config(tmp_path, sandbox, tmp_path / "cron-state")
    env = {"ZOTSYNC_API_URL": "", "ZOTSYNC_STATE_DIR": ""}
    proc = cli.run("sync", "--config", str(config), "--quiet", env=env)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    lib = sandbox.store.library("user", USER_ID)
    names = {c.key: c.data["name"] for c in lib.collections.values()}
    filed = {i["title"]: {names[k] for k in i["collections"]} for i in library_items(sandbox)}
    assert filed["The LaTeX Companion"] == {"LaTeX projects"}
    assert filed["Modelli stocastici per la previsione delle piene fluviali"] == {"My publications"}
    companion = next(i for i in library_items(sandbox) if i["title"] == "The LaTeX Companion")
    assert "from-bibtex" in {t["tag"] for t in companion["tags"]}
    log = (tmp_path / "cron-state" / "zotsync.log").read_text()
    assert "sync finished" in log and API_KEY not in log


def test_missing_key_under_cron_says_what_to_do(cli, sandbox, tmp_path):
    proc = cli.run("sync", str(EXAMPLES), "--library", f"user:{USER_ID}",
                   env={"ZOTERO_API_KEY": "", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert proc.returncode == 2
    assert "ZOTERO_API_KEY" in proc.stderr and "zotsync login" in proc.stderr and "Traceback" not in proc.stderr


def test_revoked_key_exits_3(cli, sandbox):
    proc = cli.run("sync", str(EXAMPLES), "--library", f"user:{USER_ID}", env={"ZOTERO_API_KEY": "wrongkey42"})
    assert proc.returncode == 3 and "refused" in proc.stderr
    assert "wrongkey42" not in proc.stderr


def test_config_errors_exit_2_with_the_file_named(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("library = [unclosed")
    proc = cli.run("sync", "--config", str(bad))
    assert proc.returncode == 2 and "bad.toml" in proc.stderr
    proc = cli.run("sync", str(EXAMPLES), "--library", "nonsense")
    assert proc.returncode == 2 and "--library" in proc.stderr


def test_status_shows_the_library_and_tracked_items(cli, sandbox):
    cli.sync(EXAMPLES)
    proc = cli.run("status", "--library", f"user:{USER_ID}")
    assert proc.returncode == 0
    assert f"user:{USER_ID}" in proc.stdout and "items tracked:  19" in proc.stdout and "failures:       0" in proc.stdout


def test_secrets_stay_out_of_state_reports_and_sandbox_data(cli, sandbox, tmp_path):
    cli.sync(EXAMPLES)
    for path in list(cli.state_dir.rglob("*")) + [tmp_path / "report.json"] + list((tmp_path / "sandbox-data").rglob("*")):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), path


def test_login_stores_the_key_that_sync_then_uses_and_logout_removes_it(cli, sandbox, tmp_path):
    env = {"PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyring", "TEST_KEYRING_FILE": str(tmp_path / "kr.json"),
           "ZOTERO_API_KEY": "", "PYTHONPATH": str(ROOT)}
    proc = cli.run("login", "--api-url", sandbox.url, env=env, input=API_KEY + "\n")  # from stdin: never in ps
    assert proc.returncode == 0, proc.stderr
    assert f"Logged in as sandbox (user:{USER_ID}); user library: library, write, notes, files" in proc.stdout
    assert API_KEY not in proc.stdout + proc.stderr
    proc = cli.run("sync", str(EXAMPLES / "library.bib"), "--library", f"user:{USER_ID}", env=env)
    assert proc.returncode == 0, proc.stderr
    assert cli.run("logout", "--api-url", sandbox.url, env=env).stdout.strip() == "Key removed."
    proc = cli.run("sync", str(EXAMPLES / "library.bib"), "--library", f"user:{USER_ID}", env=env)
    assert proc.returncode == 2 and "zotsync login" in proc.stderr
    assert cli.run("login", "--api-url", sandbox.url, env=env, input="notavalidkey1\n").returncode == 3


def test_a_glob_source_keeps_two_projects_with_the_same_key_apart(cli, sandbox, tmp_path):
    for project, title, doi in (("a", "Paper from project A", "10.1111/aaa"), ("b", "Paper from project B", "10.2222/bbb")):
        (tmp_path / "papers" / project).mkdir(parents=True)
        (tmp_path / "papers" / project / "refs.bib").write_text(
            f"@article{{smith2020, author={{Smith, Anna}}, title={{{title}}}, journal={{J}}, year={{2020}}, doi={{{doi}}}}}\n")
    config = tmp_path / "c.toml"
    config.write_text(f'library = "user:{USER_ID}"\n[[sources]]\npaths = ["{tmp_path}/papers/**/*.bib"]\n')
    proc, report = cli.sync(extra=("--config", str(config)))
    assert proc.returncode == 0, proc.stderr
    assert sorted(i["title"] for i in library_items(sandbox)) == ["Paper from project A", "Paper from project B"]

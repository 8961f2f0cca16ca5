import os
import subprocess
import sys


def siaga(*args, var, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SIAGA_")}
    environment |= {"SIAGA_VAR_DIR": str(var), **env}
    return subprocess.run([sys.executable, "-m", "siaga", *args], env=environment,
                          capture_output=True, text=True, timeout=120)


def test_deploy_check_passes_with_the_default_production_settings(tmp_path):
    result = siaga("check", "--deploy", "--fail-level", "WARNING", var=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_secret_key_is_generated_once_into_var_and_kept_private(tmp_path):
    siaga("check", var=tmp_path)
    key = (tmp_path / "secret_key").read_text()
    siaga("check", var=tmp_path)
    assert (tmp_path / "secret_key").read_text() == key
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_a_bad_setting_fails_loudly_naming_the_variable(tmp_path):
    result = siaga("check", var=tmp_path, SIAGA_DEBUG="mungkin")
    assert result.returncode != 0
    assert "SIAGA_DEBUG='mungkin'" in result.stderr


def test_siaga_lists_our_commands_next_to_djangos(tmp_path):
    out = siaga("help", var=tmp_path).stdout
    for command in ("serve", "demo", "import_tps", "export_tps", "synth", "migrate", "db_worker"):
        assert command in out
    assert siaga("import-tps", "--help", var=tmp_path).returncode == 0

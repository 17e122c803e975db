"""The gates' settings: YAML and environment forms, errors at start, `config show`, cold start."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from gh_promotion.config.loader import ConfigError, load_config, resolve_with_provenance
from gh_promotion.config.model import FreezeWindow
from gh_promotion.config.render import show_config
from tests.runtime.helpers import clean_env

YAML = """\
promotion:
  soak:
    canary: 30m
    production: 1d
  soakMode: any-newer
  freeze:
    - schedule: "0 18 * * 5"
      duration: 63h
      timezone: Europe/London
      stages: [production]
      reason: weekend
    - from: 2026-12-24T00:00:00Z
      to: "2026-12-27T09:00:00"
      timezone: Europe/Paris
  stopTheLineKey: halt
  overrideLabel: break-glass
  rollback:
    hold: true
"""


def _load(tmp_path: Path, text: str = YAML, **environ: str):
    (tmp_path / "config.yaml").write_text(text)
    return load_config(
        environ=environ, config_path=tmp_path / "config.yaml", dotenv_path=None
    ).promotion


def test_the_yaml_form(tmp_path: Path) -> None:
    promotion = _load(tmp_path)
    assert promotion.soak == (("canary", 1800.0), ("production", 86400.0))
    assert promotion.soak_mode == "any-newer"
    weekend, holidays = promotion.freeze
    assert weekend == FreezeWindow(
        "weekend", ("production",), "0 18 * * 5", 63 * 3600.0, "Europe/London"
    )
    assert holidays.start == datetime(2026, 12, 24, tzinfo=timezone.utc).timestamp()
    assert holidays.end == datetime(2026, 12, 27, 8, tzinfo=timezone.utc).timestamp()  # CET
    assert (promotion.stop_the_line_key, promotion.override_label) == ("halt", "break-glass")
    assert promotion.rollback.hold is True


def test_the_environment_forms(tmp_path: Path) -> None:
    windows = [{"schedule": "*/5 * * * *", "duration": "90s", "stages": "canary,production"}]
    promotion = _load(
        tmp_path,
        "",
        PROMOTION_SOAK="canary=30m, production=1d2h",
        PROMOTION_FREEZE=json.dumps(windows),
    )
    assert promotion.soak == (("canary", 1800.0), ("production", 93600.0))
    [window] = promotion.freeze
    assert (window.duration, window.stages, window.timezone) == (
        90.0,
        ("canary", "production"),
        "UTC",
    )
    assert _load(tmp_path, "", PROMOTION_SOAK='{"canary": "5m"}').soak == (("canary", 300.0),)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "PROMOTION_FREEZE",
            '[{"schedule": "0 25 * * *", "duration": "1h"}]',
            "promotion.freeze[0].schedule: not a cron expression: '0 25 * * *' "
            "(from env PROMOTION_FREEZE)",
        ),
        (
            "PROMOTION_FREEZE",
            '[{"schedule": "0 9 * * *", "duration": "1h", "timezone": "Europe/Lundon"}]',
            "promotion.freeze[0].timezone: unknown time zone 'Europe/Lundon'",
        ),
        (
            "PROMOTION_FREEZE",
            '[{"schedule": "0 9 * * *", "duration": "soon"}]',
            "promotion.freeze[0].duration: expected a duration",
        ),
        (
            "PROMOTION_FREEZE",
            '[{"from": "2026-12-27", "to": "2026-12-24"}]',
            "promotion.freeze[0]: 'to' must be later than 'from'",
        ),
        (
            "PROMOTION_FREEZE",
            '[{"from": "Christmas", "to": "2026-12-24"}]',
            "promotion.freeze[0].from: expected an ISO 8601 time",
        ),
        (
            "PROMOTION_FREEZE",
            '[{"schedule": "0 9 * * *", "duration": "1h", "stage": ["production"]}]',
            "promotion.freeze[0]: unknown key 'stage'",
        ),
        ("PROMOTION_FREEZE", "[{", "promotion.freeze: not valid JSON"),
        ("PROMOTION_SOAK", "canary=5x", "promotion.soak.canary: expected a duration"),
        ("PROMOTION_SOAK", "canary", "promotion.soak: expected stage=duration pairs"),
        ("PROMOTION_SOAK_MODE", "oldest", "promotion.soakMode: expected one of latest, any-newer"),
    ],
)
def test_a_bad_gate_setting_is_one_line_naming_key_and_source(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, "", **{variable: value})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_bad_yaml_window_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, "promotion:\n  freeze:\n    - schedule: nope\n      duration: 1h\n")
    assert str(caught.value).endswith("(from " + str(tmp_path / "config.yaml") + ":2)")


def test_a_bad_window_stops_the_program_with_exit_2(tmp_path: Path) -> None:
    environment = clean_env(PROMOTION_FREEZE='[{"schedule": "61 * * * *", "duration": "1h"}]')
    done = subprocess.run(
        [sys.executable, "-m", "gh_promotion", "config", "show"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "gh-promotion: error: promotion.freeze[0].schedule: not a cron expression: "
        "'61 * * * *' (from env PROMOTION_FREEZE)"
    ]


def test_config_show_prints_what_loads_back(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(YAML)
    resolved = resolve_with_provenance(
        environ={}, config_path=tmp_path / "config.yaml", dotenv_path=None
    )
    shown = show_config(resolved)
    assert 'soak: {"canary": "30m", "production": "24h"}' in shown
    assert '"schedule": "0 18 * * 5"' in shown
    (tmp_path / "again.yaml").write_text(shown)
    again = load_config(environ={}, config_path=tmp_path / "again.yaml", dotenv_path=None)
    assert again.promotion == resolved.config.promotion


PROBE = """
import json, sys
from gh_promotion.config.loader import load_config
load_config(config_path="/nonexistent.yaml", dotenv_path=None)
print(json.dumps(sorted(m for m in ("croniter", "zoneinfo", "dateutil") if m in sys.modules)))
"""


@pytest.mark.parametrize(
    ("environment", "loaded"),
    [
        ({"PROMOTION_SOAK": "canary=30m"}, []),
        ({"PROMOTION_FREEZE": '[{"from": "2026-12-24", "to": "2026-12-27"}]'}, ["zoneinfo"]),
        (
            {"PROMOTION_FREEZE": '[{"schedule": "0 9 * * *", "duration": "1h"}]'},
            ["croniter", "dateutil", "zoneinfo"],
        ),
    ],
)
def test_croniter_is_imported_only_when_a_window_has_a_schedule(environment, loaded) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=clean_env(**environment),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == loaded

"""The systemd unit: the directives it must carry, and systemd's own verdict on it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

SYSTEMD = Path(__file__).resolve().parents[2] / "systemd"
UNIT = SYSTEMD / "monitor.service"
SYSUSERS = SYSTEMD / "sysusers.d" / "monitor.conf"
UNIT_DIRS = (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system"))

needs_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)


def read_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values in order]}}: keys may repeat, unlike INI."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"directive outside a section: {line}"
        key, sep, value = line.partition("=")
        assert sep, f"not a directive: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


@pytest.fixture(scope="module")
def service() -> dict[str, list[str]]:
    return read_unit(UNIT.read_text())["Service"]


REQUIRED = {
    "Type": "notify",
    "ExecStart": "/opt/monitor/venv/bin/monitor run",
    "User": "monitor",
    "Group": "monitor",
    "EnvironmentFile": "/etc/monitor/monitor.env",
    "StateDirectory": "monitor",
    "WorkingDirectory": "/var/lib/monitor",
    "Restart": "on-failure",
    "KillSignal": "SIGTERM",
    "UMask": "0077",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "DevicePolicy": "closed",
    "NoNewPrivileges": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes",
    "ProtectClock": "yes",
    "ProtectHostname": "yes",
    "ProtectProc": "invisible",
    "ProcSubset": "pid",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    "RestrictNamespaces": "yes",
    "RestrictRealtime": "yes",
    "RestrictSUIDSGID": "yes",
    "LockPersonality": "yes",
    "MemoryDenyWriteExecute": "yes",
    "SystemCallArchitectures": "native",
    "CapabilityBoundingSet": "",
    "AmbientCapabilities": "",
}


@pytest.mark.parametrize(("key", "value"), sorted(REQUIRED.items()))
def test_unit_sets(service: dict[str, list[str]], key: str, value: str) -> None:
    assert service.get(key) == [value]


def test_syscall_filter_allows_services_but_not_privileged_calls(
    service: dict[str, list[str]],
) -> None:
    assert service["SystemCallFilter"] == ["@system-service", "~@privileged @resources"]


def seconds(value: str) -> int:
    match = re.fullmatch(r"(\d+)(s|min)?", value)
    assert match, f"not a plain time span: {value}"
    return int(match.group(1)) * (60 if match.group(2) == "min" else 1)


def test_timers_leave_the_daemon_room(service: dict[str, list[str]]) -> None:
    assert 60 <= seconds(service["WatchdogSec"][0]) <= 600
    assert seconds(service["TimeoutStopSec"][0]) > 30  # the daemon's graceful stop, plus margin
    assert seconds(service["RestartSec"][0]) >= 1


def test_unit_reaches_the_network_and_installs(service: dict[str, list[str]]) -> None:
    unit = read_unit(UNIT.read_text())
    assert "network-online.target" in unit["Unit"]["After"]
    assert "network-online.target" in unit["Unit"]["Wants"]
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]
    assert "IPAddressDeny" not in service  # feeds live anywhere on the internet
    assert "PrivateNetwork" not in service


def test_reader_keeps_repeated_keys_and_continuations() -> None:
    unit = read_unit("[A]\n# c\nX=1\nX=2 \\\n  3\n[B]\nY=\n")
    assert unit == {"A": {"X": ["1", "2    3"]}, "B": {"Y": [""]}}


def fake_root(tmp_path: Path) -> Path:
    """A root holding systemd's own units, the unit under test and a stand-in ExecStart,
    so `verify --root` checks the real file without touching /opt or /etc."""
    units = next((d for d in UNIT_DIRS if (d / "sysinit.target").is_file()), None)
    if units is None:
        pytest.skip("systemd's unit directory is not installed")
    root = tmp_path / "root"
    shutil.copytree(units, root / "usr/lib/systemd/system", symlinks=True)
    (root / "etc/systemd/system").mkdir(parents=True)
    shutil.copy(UNIT, root / "etc/systemd/system/monitor.service")
    binary = root / "opt/monitor/venv/bin/monitor"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    return root


def analyze(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", *args], capture_output=True, text=True, timeout=60, check=False
    )


@needs_analyze
def test_systemd_analyze_verify_is_silent(tmp_path: Path) -> None:
    root = fake_root(tmp_path)
    result = analyze("verify", f"--root={root}", "monitor.service")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@needs_analyze
def test_verify_notices_a_missing_executable(tmp_path: Path) -> None:
    root = fake_root(tmp_path)
    (root / "opt/monitor/venv/bin/monitor").unlink()
    result = analyze("verify", f"--root={root}", "monitor.service")
    assert result.returncode != 0 and "/opt/monitor/venv/bin/monitor" in result.stderr


@needs_analyze
def test_security_exposure_is_low() -> None:
    result = analyze("security", "--offline=true", "--no-pager", str(UNIT))
    match = re.search(
        r"Overall exposure level for monitor\.service: (\d+\.\d+) (\w+)", result.stdout
    )
    assert match, result.stdout[-500:] + result.stderr
    assert float(match.group(1)) <= 1.5 and match.group(2) == "OK"


@pytest.mark.skipif(shutil.which("systemd-sysusers") is None, reason="no systemd-sysusers")
def test_sysusers_creates_the_monitor_user(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "usr/lib/sysusers.d").mkdir(parents=True)
    shutil.copy(SYSUSERS, tmp_path / "usr/lib/sysusers.d/monitor.conf")
    subprocess.run(["systemd-sysusers", f"--root={tmp_path}"], check=True, capture_output=True)
    passwd = (tmp_path / "etc/passwd").read_text().splitlines()
    fields = next(line.split(":") for line in passwd if line.startswith("monitor:"))
    assert fields[4:] == ["news monitor", "/var/lib/monitor", "/usr/sbin/nologin"]
    assert any(line.startswith("monitor:") for line in (tmp_path / "etc/group").read_text().split())

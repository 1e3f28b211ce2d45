"""Real QEMU, ahead of the QEMU driver: the test guests boot under TCG and
every argv the command-line builder is expected to produce (the .args
files that tests/unit/test_qemu_command.c compares against) is accepted
by the real qemu-system-x86_64 without a single warning."""
import os
import subprocess
import sys
import tempfile

import pytest

from conftest import REPO

GUESTS = REPO / 'tests' / 'guests'


def test_guests_boot_under_tcg(guests):
    # boot sector: marker and echo; Linux: marker, a shell command, ACPI power-off
    r = subprocess.run([sys.executable, str(GUESTS / 'check_guests.py'), guests],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_expected_argv_accepted_by_real_qemu(guests):
    r = subprocess.run([sys.executable, str(GUESTS / 'check_argv.py'), '--guests', guests],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert 'FAIL' not in r.stdout, r.stdout

"""Passwords are stored with argon2id at the configured cost, and a hash made with older
settings is redone at the next sign-in."""

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

from mediation.config import Config, ProductionConfig
from mediation.extensions import db
from tests.factories import user


def test_production_uses_owasps_argon2id_setting():
    assert ProductionConfig.PASSWORD_HASHER == Config.PASSWORD_HASHER
    assert Config.PASSWORD_HASHER == {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}


def test_an_older_hash_is_redone_at_sign_in(app, demo, browser):
    worker = user("worker1")
    worker.password_hash = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(
        "demo-2026"
    )
    db.session.commit()
    browser.login("worker1")
    db.session.expire_all()
    stored = user("worker1").password_hash
    configured = app.config["PASSWORD_HASHER"]
    assert f"m={configured['memory_cost']},t={configured['time_cost']}" in stored
    # Still the same password, under the new hash.
    assert PasswordHasher().verify(stored, "demo-2026")
    with pytest.raises(VerifyMismatchError):
        PasswordHasher().verify(stored, "demo-2027")

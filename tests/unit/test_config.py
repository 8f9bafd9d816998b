"""Settings come from the environment, with the embedded setup as default."""

import pytest

from tingia.config import load_config


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    import os

    for name in list(os.environ):
        if name.startswith("TINGIA_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_defaults_use_sqlite_in_the_instance_folder(clean_env, tmp_path):
    config = load_config(str(tmp_path), {"ENV": "development"})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'tingia.db'}"
    assert config["UPLOAD_DIR"] == str(tmp_path / "uploads")
    assert config["REDIS_URL"] == "redis://localhost:6379/0"
    assert config["RATELIMIT_STORAGE_URI"] == config["REDIS_URL"]


def test_secret_key_is_required_in_production(clean_env, tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config(str(tmp_path))
    clean_env.setenv("SECRET_KEY", "s3cret")
    assert load_config(str(tmp_path))["SECRET_KEY"] == "s3cret"


def test_environment_overrides_and_typed_values(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgresql://u:p@db/tingia")
    clean_env.setenv("REDIS_URL", "redis://cache:6379/2")
    clean_env.setenv("TINGIA_ENV", "testing")
    clean_env.setenv("TINGIA_RATELIMIT_ENABLED", "false")
    clean_env.setenv("TINGIA_MAX_IMAGES", "3")
    clean_env.setenv("TINGIA_UPLOAD_DIR", "/srv/uploads")
    clean_env.setenv("TINGIA_MATCH_AUTO_THRESHOLD", "87.5")
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/tingia"
    assert config["REDIS_URL"] == "redis://cache:6379/2"
    assert config["RATELIMIT_ENABLED"] is False
    assert config["MAX_IMAGES"] == 3
    assert config["UPLOAD_DIR"] == "/srv/uploads"
    assert config["MATCH_AUTO_THRESHOLD"] == 87.5


def test_unknown_environment_name_is_refused(clean_env, tmp_path):
    clean_env.setenv("TINGIA_ENV", "staging")
    with pytest.raises(RuntimeError, match="TINGIA_ENV"):
        load_config(str(tmp_path))


def test_the_instance_folder_can_hold_the_secret_key(clean_env, tmp_path):
    # `make run` writes it, so `flask users create ...` in another shell needs no TINGIA_ENV.
    (tmp_path / "secret_key").write_text("from-the-instance-folder\n", encoding="utf-8")
    assert load_config(str(tmp_path))["SECRET_KEY"] == "from-the-instance-folder"
    clean_env.setenv("SECRET_KEY", "from-the-environment")
    assert load_config(str(tmp_path))["SECRET_KEY"] == "from-the-environment"

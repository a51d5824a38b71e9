"""Settings from the environment (and `.env` if present), checked at start (design.md §7)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs

from revideo.domain.errors import ConfigError
from revideo.domain.parsing import is_ascii_digits

ENGINES = ("local", "heygen", "fake")
BACKENDS = ("postgres", "supabase", "memory")


@attrs.frozen
class Settings:
    """Everything revideo reads from its environment."""

    data_dir: Path
    database_url: str | None = None
    backend: str = "postgres"
    engine: str = "local"
    heygen_api_key: str | None = None
    heygen_base_url: str = "https://api.heygen.com"
    heygen_api_version: str = "v3"
    heygen_webhook_secret: str | None = None
    heygen_avatar_engine: str | None = None
    supabase_url: str | None = None
    supabase_anon_key: str | None = None
    supabase_service_role_key: str | None = None
    storage_timeout: int = 60  # seconds each Supabase Storage upload request may wait
    secret_key: str | None = None
    cron_secret: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    credits_per_minute: Decimal | None = None  # None: the engine's own price table
    poll_concurrency: int = 8
    stuck_after_minutes: int = 120
    max_auto_attempts: int = 3
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str | None = None
    smtp_url: str | None = None
    mail_from: str = "revideo <no-reply@localhost>"
    ratelimit_storage: str = "memory://"
    trusted_proxies: int = 0
    staging_hours: int = 24  # how long an upload waits for its next step (services/staging.py)
    fetch_private: bool = False  # photos by URL from private/loopback addresses (local use)
    api_rate_limit: str = "120 per minute"  # per API token

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"


def load(environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    """Read the settings; a missing or malformed one raises ConfigError naming it."""
    if environ is None:
        if dotenv:
            _read_dotenv()
        environ = os.environ
    env = {k: v.strip() for k, v in environ.items() if v.strip()}
    supabase = _supabase(env)
    engine = env.get("REVIDEO_ENGINE", "heygen" if env.get("HEYGEN_API_KEY") else "local")
    settings = Settings(
        data_dir=Path(env.get("REVIDEO_DATA_DIR") or _default_data_dir()).expanduser(),
        database_url=env.get("REVIDEO_DATABASE_URL"),
        backend=env.get("REVIDEO_BACKEND", "supabase" if supabase[0] else "postgres"),
        engine=engine.lower(),
        heygen_api_key=env.get("HEYGEN_API_KEY"),
        heygen_base_url=env.get("HEYGEN_BASE_URL", "https://api.heygen.com").rstrip("/"),
        heygen_api_version=env.get("HEYGEN_API_VERSION", "v3").lower(),
        heygen_webhook_secret=env.get("HEYGEN_WEBHOOK_SECRET"),
        heygen_avatar_engine=env.get("HEYGEN_AVATAR_ENGINE", "").lower() or None,
        supabase_url=supabase[0],
        supabase_anon_key=supabase[1],
        supabase_service_role_key=supabase[2],
        storage_timeout=_whole(env, "REVIDEO_STORAGE_TIMEOUT", 60, minimum=1),
        secret_key=env.get("REVIDEO_SECRET_KEY"),
        cron_secret=env.get("REVIDEO_CRON_SECRET"),
        public_url=env.get("REVIDEO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        credits_per_minute=_decimal(env, "REVIDEO_CREDITS_PER_MINUTE"),
        poll_concurrency=_whole(env, "REVIDEO_POLL_CONCURRENCY", 8, minimum=1),
        stuck_after_minutes=_whole(env, "REVIDEO_STUCK_AFTER_MINUTES", 120, minimum=1),
        max_auto_attempts=_whole(env, "REVIDEO_MAX_AUTO_ATTEMPTS", 3, minimum=1),
        llm_base_url=env.get("REVIDEO_LLM_BASE_URL"),
        llm_api_key=env.get("REVIDEO_LLM_API_KEY"),
        llm_model=env.get("REVIDEO_LLM_MODEL"),
        smtp_url=env.get("REVIDEO_SMTP_URL"),
        mail_from=env.get("REVIDEO_MAIL_FROM", "revideo <no-reply@localhost>"),
        ratelimit_storage=env.get("REVIDEO_RATELIMIT_STORAGE", "memory://"),
        trusted_proxies=_whole(env, "REVIDEO_TRUSTED_PROXIES", 0, minimum=0),
        staging_hours=_whole(env, "REVIDEO_STAGING_HOURS", 24, minimum=1),
        fetch_private=_flag(env, "REVIDEO_FETCH_PRIVATE"),
        api_rate_limit=env.get("REVIDEO_API_RATE_LIMIT", "120 per minute"),
    )
    check(settings)
    return settings


def check(s: Settings) -> None:
    """Refuse settings that cannot work together."""
    if s.engine not in ENGINES:
        raise ConfigError("REVIDEO_ENGINE", f"must be one of {', '.join(ENGINES)}")
    if s.backend not in BACKENDS:
        raise ConfigError("REVIDEO_BACKEND", f"must be one of {', '.join(BACKENDS)}")
    if s.engine == "heygen" and not s.heygen_api_key:
        raise ConfigError("HEYGEN_API_KEY", "is required when REVIDEO_ENGINE=heygen")
    if s.heygen_api_version not in ("v2", "v3"):
        raise ConfigError("HEYGEN_API_VERSION", "must be v2 or v3")
    if s.database_url and not s.database_url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("REVIDEO_DATABASE_URL", "must be a postgresql:// URL")
    if s.backend == "supabase" and not (s.supabase_url and s.supabase_anon_key):
        raise ConfigError("SUPABASE_URL", "Supabase needs SUPABASE_URL and SUPABASE_ANON_KEY")
    if not s.public_url.startswith(("http://", "https://")):
        raise ConfigError("REVIDEO_PUBLIC_URL", "must start with http:// or https://")
    if "://" not in s.ratelimit_storage:
        raise ConfigError(
            "REVIDEO_RATELIMIT_STORAGE",
            "must be a storage URI, e.g. memory:// or redis://host:6379",
        )


def _supabase(env: Mapping[str, str]) -> tuple[str | None, str | None, str | None]:
    url = env.get("SUPABASE_URL") or env.get("NEXT_PUBLIC_SUPABASE_URL")
    anon = env.get("SUPABASE_ANON_KEY") or env.get("NEXT_PUBLIC_SUPABASE_ANON_KEY")
    service = env.get("SUPABASE_SERVICE_ROLE_KEY")
    if (url or anon or service) and not (url and anon):
        missing = "SUPABASE_URL" if not url else "SUPABASE_ANON_KEY"
        raise ConfigError(missing, "is missing: Supabase settings are partial")
    return url, anon, service


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "0").lower()
    if value not in ("0", "1", "true", "false", "yes", "no"):
        raise ConfigError(name, "must be 1 or 0")
    return value in ("1", "true", "yes")


def _decimal(env: Mapping[str, str], name: str) -> Decimal | None:
    if name not in env:
        return None
    try:
        value = Decimal(env[name])
    except InvalidOperation:
        raise ConfigError(name, "must be a number") from None
    if not value.is_finite() or value < 0:
        raise ConfigError(name, "must be a number of 0 or more")
    return value


def _whole(env: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    if not is_ascii_digits(raw) or int(raw) < minimum:
        raise ConfigError(name, f"must be a whole number of {minimum} or more")
    return int(raw)


def _default_data_dir() -> str:
    import platformdirs

    return platformdirs.user_data_dir("revideo", appauthor=False)


def _read_dotenv() -> None:
    if Path(".env").is_file():
        from dotenv import load_dotenv

        load_dotenv(".env", override=False)

"""Start-up checks: complete settings, and a project that answers and accepts the keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from revideo.domain.errors import ConfigError

if TYPE_CHECKING:
    from revideo.adapters.supabase.backend import SupabaseBackend
    from revideo.settings import Settings


def check_settings(settings: Settings) -> tuple[str, str, str]:
    """URL, anon key and service role key; ConfigError naming the first one missing."""
    url = (settings.supabase_url or "").strip()
    anon = (settings.supabase_anon_key or "").strip()
    service = (settings.supabase_service_role_key or "").strip()
    if not url:
        raise ConfigError("SUPABASE_URL", "is missing: Supabase settings are partial")
    if not url.startswith(("http://", "https://")):
        raise ConfigError("SUPABASE_URL", "must start with http:// or https://")
    if not anon:
        raise ConfigError("SUPABASE_ANON_KEY", "is missing: Supabase settings are partial")
    if not service:
        raise ConfigError(
            "SUPABASE_SERVICE_ROLE_KEY",
            "is missing: the render pipeline's system jobs run with the service role",
        )
    return url.rstrip("/"), anon, service


def check_project(backend: SupabaseBackend) -> None:
    """Ask Auth for its health (anon key) and for one user (service key)."""
    import httpx

    base = f"{backend.url}/auth/v1"
    probes = (
        ("SUPABASE_ANON_KEY", f"{base}/health", backend.anon_key),
        ("SUPABASE_SERVICE_ROLE_KEY", f"{base}/admin/users?page=1&per_page=1", backend.service_key),
    )
    for setting, url, key in probes:
        try:
            answer = backend.http.get(url, headers=backend.headers(key or "", key))
        except httpx.HTTPError as exc:
            raise ConfigError(
                "SUPABASE_URL", f"cannot reach the Supabase project at {backend.url}: {exc}"
            ) from None
        if answer.status_code in (401, 403):
            raise ConfigError(setting, f"is not accepted by {backend.url}")
        if answer.status_code >= 400:
            raise ConfigError(
                "SUPABASE_URL",
                f"{backend.url} does not look like a Supabase project (HTTP {answer.status_code})",
            )

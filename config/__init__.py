"""Settings: declared once with their defaults in defaults.toml, overridable by environment."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

# Environment variables that override a setting, and the setting each one sets.
ENVIRONMENT = {
    "REPORTBOT_DATA": "data_dir",
    "REPORTBOT_ADMINS": "admins",
    "REPORTBOT_CORPUS": "corpus_dir",
    "TELEGRAM_BOT_TOKEN": "telegram_token",
    "TELEGRAM_API_BASE_URL": "telegram_base_url",
    "TELEGRAM_API_FILE_URL": "telegram_file_url",
    "TELEGRAM_WEBHOOK_URL": "telegram_webhook_url",
    "TELEGRAM_WEBHOOK_PORT": "telegram_webhook_port",
    "TELEGRAM_WEBHOOK_SECRET": "telegram_webhook_secret",
}


@dataclass(frozen=True)
class Limits:
    """What parsing one file may cost; a file over one is refused with the limit's name."""

    max_file_mb: int
    max_pdf_pages: int
    max_inflated_mb: int
    max_zip_ratio: int
    max_html_depth: int
    max_text_chars: int
    max_table_cells: int
    worker_memory_mb: int
    worker_timeout_s: float


# Each limit is overridden by REPORTBOT_ and its name in capitals (REPORTBOT_MAX_FILE_MB).
ENVIRONMENT.update({f"REPORTBOT_{f.name.upper()}": f.name for f in fields(Limits)})


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    corpus_dir: Path | None
    admins: frozenset[int]
    telegram_token: str | None
    telegram_base_url: str
    telegram_file_url: str
    telegram_webhook_url: str | None
    telegram_webhook_port: int
    telegram_webhook_secret: str | None
    max_upload_mb: int
    ingest_workers: int
    limits: Limits


def config_file(name: str) -> str:
    """The text of a file shipped in config/ (the jieba dictionary, the aliases...)."""
    return resources.files("config").joinpath(name).read_text("utf-8")


def load_settings(data_dir: str | Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """defaults.toml, then the environment, then an explicit --data wins."""
    values = tomllib.loads(config_file("defaults.toml"))
    env = os.environ if environ is None else environ
    for variable, key in ENVIRONMENT.items():
        if env.get(variable):
            values[key] = env[variable]
    if data_dir is not None:
        values["data_dir"] = str(data_dir)
    admins = values.get("admins") or []
    if isinstance(admins, str):
        admins = [a for a in admins.replace(";", ",").split(",") if a.strip()]
    return Settings(
        data_dir=Path(values["data_dir"]).expanduser(),
        corpus_dir=Path(values["corpus_dir"]).expanduser() if values.get("corpus_dir") else None,
        admins=frozenset(int(a) for a in admins),
        telegram_token=values.get("telegram_token") or None,
        telegram_base_url=values["telegram_base_url"],
        telegram_file_url=values["telegram_file_url"],
        telegram_webhook_url=values.get("telegram_webhook_url") or None,
        telegram_webhook_port=int(values["telegram_webhook_port"]),
        telegram_webhook_secret=values.get("telegram_webhook_secret") or None,
        max_upload_mb=int(values["max_upload_mb"]),
        ingest_workers=int(values["ingest_workers"]),
        limits=Limits(**{f.name: (float if f.name.endswith("_s") else int)(values[f.name]) for f in fields(Limits)}),
    )

"""One settings module, configured by environment variables.

With nothing set, a newcomer gets SQLite, a filesystem message queue (no
Redis needed) and the console e-mail backend.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "simple_history",
    "django_celery_beat",
    "axes",
    # Our apps, in dependency order: each may import only those before it.
    "liaison",
    "deputies",
    "constituents",
    "mailbox",
    "reports",
    "search",  # reads the others, nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liaison.urls"
WSGI_APPLICATION = "liaison.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liaison.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file in development. IMMEDIATE takes the write
    # lock when a transaction starts, so two writers wait their turn (timeout) instead of one failing
    # at once with "database is locked" when both try to upgrade a read lock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "liaison.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Checked by content (sec-accounts): ≥10 characters, three of four classes, not the username, not common.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "liaison.passwords.ContentPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): five failures lock the account (from any address)
# and, against spraying many accounts, the address, for an hour.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # shown in Chinese as liaison.LoginLockout instead

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = "Y年n月j日"
FORMAT_MODULE_PATH = ["liaison.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
try:  # Bootstrap comes from a PyPI package at install time, never from a CDN.
    import xstatic.pkg.bootstrap as _xstatic_bootstrap

    STATICFILES_DIRS.append(("bootstrap", _xstatic_bootstrap.BASE_DIR))
except ImportError:  # pragma: no cover - the Makefile installs it
    pass
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# E-mail: the console in development; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
)
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "代表联络系统 <noreply@localhost>")

# Celery: Redis when REDIS_URL is set, otherwise a folder on disk, so that the
# worker and beat really run on a newcomer's machine without Redis.
BROKER_FOLDER = BASE_DIR / "var" / "broker"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"


def broker_transport_options(folder: Path) -> dict:
    if REDIS_URL:
        return {"visibility_timeout": 3600}
    (folder / "processed").mkdir(parents=True, exist_ok=True)
    (folder / "control").mkdir(parents=True, exist_ok=True)
    return {"data_folder_in": str(folder), "data_folder_out": str(folder),
            "processed_folder": str(folder / "processed"), "store_processed": False,
            "control_folder": str(folder / "control")}


CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(BROKER_FOLDER)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
DJANGO_CELERY_BEAT_TZ_AWARE = True

# Casework defaults from practice in other districts (SPEC §6); each can be
# overridden by an environment variable of the same name.
LIAISON = {
    "SITE_NAME": env("SITE_NAME", "代表联络"),
    "DISTRICT_NAME": env("DISTRICT_NAME", "示范区人大常委会"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Personal data, uploads and health (sec-data, issue 9 §4, §5, §7) ---
# Closed cases are anonymised this many years after the constituent was told the result.
PERSONAL_DATA_RETENTION_YEARS = int(env("PERSONAL_DATA_RETENTION_YEARS", "3"))
# Texts (phone and wording) are deleted this many days after they were queued; stored PDFs
# (reports.RenderedPdf, drawn with their requester's view) this many days after they were asked for.
LIAISON_SMS_RETENTION_DAYS = int(env("LIAISON_SMS_RETENTION_DAYS", "180"))
REPORTS_RENDERED_PDF_RETENTION_DAYS = int(env("REPORTS_RENDERED_PDF_RETENTION_DAYS", "30"))
# Uploads are checked by content (liaison/uploads.py): size and pixel limits.
UPLOADS = {"MAX_BYTES": 10 * 1024 * 1024, "MAX_PIXELS": int(env("UPLOAD_MAX_PIXELS", "40000000"))}
# /health/ (django-health-check): thresholds in liaison/health.py, overridable with HEALTH = {...}.
INSTALLED_APPS += ["health_check"]
# --- end sec-data ---

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"


# --- Accounts, sessions, login and audit (sec-accounts, issue 9 §1–3) -------------
INSTALLED_APPS += [  # noqa: F405
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pgtrigger",
    "csp",
]
_after_auth = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1
MIDDLEWARE[_after_auth:_after_auth] = [
    "django_otp.middleware.OTPMiddleware",
    "liaison.security.SessionLimitMiddleware",
    "liaison.security.LoginStepsMiddleware",
    "liaison.security.DeniedRequestAuditMiddleware",
]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")

# Sessions: 30 minutes idle, 12 hours at most, gone when the browser closes.
LIAISON_SESSION_IDLE_SECONDS = int(env("LIAISON_SESSION_IDLE_SECONDS", str(30 * 60)))
LIAISON_SESSION_MAX_SECONDS = int(env("LIAISON_SESSION_MAX_SECONDS", str(12 * 3600)))
SESSION_COOKIE_AGE = LIAISON_SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Kept in the cache (perf, issue 11) only where every process shares it (Redis): sessions, each
# person's unread count, the deputy's home panels. With the local-memory cache one process would
# keep what another has ended or changed. Tests run in one process and turn it on.
LIAISON_SHARED_CACHE = env_bool("LIAISON_SHARED_CACHE", bool(REDIS_URL))
# Read through the cache, written to both: a signed-in page does not ask the database for its
# session. The database row stays the one that counts: ending a person's sessions goes through
# SessionStore.delete(), which clears both (deputies.services._end_sessions).
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if LIAISON_SHARED_CACHE else "db")

# Second factor (TOTP) for staff, the three administrators and departments.
LIAISON_REQUIRE_2FA = env_bool("LIAISON_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "代表联络")

# The client address: REMOTE_ADDR, unless a trusted reverse proxy sets this header
# (e.g. X-Forwarded-For); COUNT is how many proxies of ours stand in front.
LIAISON_TRUSTED_PROXY_HEADER = env("LIAISON_TRUSTED_PROXY_HEADER")
LIAISON_TRUSTED_PROXY_COUNT = int(env("LIAISON_TRUSTED_PROXY_COUNT", "1"))
AXES_CLIENT_IP_CALLABLE = "liaison.security.client_ip"
RATELIMIT_IP_META_KEY = "liaison.security.client_ip_for_rate_limit"
# Failed logins are kept for ever (append-only); axes' login log is replaced by AuditEvent.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 10**9
AXES_DISABLE_ACCESS_LOG = True

# django-pgtrigger: the append-only triggers are registered in code (liaison/append_only.py)
# for third-party tables too, so they are installed after every migrate, not by migrations.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
# Audit tables are append-only; rows older than this (never under 180 days) may be purged.
LIAISON_AUDIT_RETENTION_DAYS = max(int(env("LIAISON_AUDIT_RETENTION_DAYS", "180")), 180)

# HTTPS: on by default in production; LIAISON_HTTPS=false for a plain-http local run.
LIAISON_HTTPS = env_bool("LIAISON_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = LIAISON_HTTPS
SECURE_HSTS_SECONDS = 31536000 if LIAISON_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = LIAISON_HTTPS
if LIAISON_HTTPS and LIAISON_TRUSTED_PROXY_HEADER:
    # Behind our reverse proxy, which terminates TLS and says so.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts only from our static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# --- Department workspace (casework-roles): files departments attach to replies
# live outside MEDIA_ROOT and are only handed out by a view that checks visible_to.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
# --- Reliability (issue 9 §6, issue 8 §5): Redis outages, delivery, SMS --------------------------
# The cache degrades to local memory while Redis is down (liaison/cache.py), so pages
# and rate limits keep working; tasks wait in the outbox (liaison/outbox.py).
if REDIS_URL:
    CACHES["default"]["BACKEND"] = "liaison.cache.ResilientRedisCache"
# django-ratelimit: if the cache ever fails outright, refuse rather than let a flood in
# (the resilient cache above makes that case a per-process local limit instead).
RATELIMIT_FAIL_OPEN = False
# A task a killed worker held (acks_late) goes back to the queue after this many seconds (Redis).
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = int(env("CELERY_VISIBILITY_TIMEOUT", "3600"))
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
# SMS (短信): console by default; "liaison.sms.FileBackend" writes var/sms/sms.jsonl;
# "liaison.sms.AliyunBackend" sends through Alibaba Cloud SMS (settings below).
LIAISON_SMS_BACKEND = env("LIAISON_SMS_BACKEND", "liaison.sms.ConsoleBackend")
LIAISON_SMS_DAILY_CAP = int(env("LIAISON_SMS_DAILY_CAP", "5"))
LIAISON_SMS_FILE_PATH = env("LIAISON_SMS_FILE_PATH", str(BASE_DIR / "var" / "sms" / "sms.jsonl"))
ALIYUN_SMS_ACCESS_KEY_ID = env("ALIYUN_SMS_ACCESS_KEY_ID")
ALIYUN_SMS_ACCESS_KEY_SECRET = env("ALIYUN_SMS_ACCESS_KEY_SECRET")
ALIYUN_SMS_SIGN_NAME = env("ALIYUN_SMS_SIGN_NAME")
ALIYUN_SMS_TEMPLATE_CODE = env("ALIYUN_SMS_TEMPLATE_CODE")
ALIYUN_SMS_TEMPLATE_PARAM = env("ALIYUN_SMS_TEMPLATE_PARAM", "content")
ALIYUN_SMS_ENDPOINT = env("ALIYUN_SMS_ENDPOINT", "dysmsapi.aliyuncs.com")
ALIYUN_SMS_PROTOCOL = env("ALIYUN_SMS_PROTOCOL", "https")
# Heavy PDFs are rendered by a task (reports.RenderedPdf) above these sizes.
REPORTS_PDF_INLINE_MAX_ROWS = int(env("REPORTS_PDF_INLINE_MAX_ROWS", "300"))
# A longer list is rendered in parts of at most this many rows, REPORTS_PDF_WORKERS parts at once
# (0: one per core), so that memory is bounded by a part per process.
REPORTS_PDF_CHUNK_ROWS = int(env("REPORTS_PDF_CHUNK_ROWS", "500"))
REPORTS_PDF_WORKERS = int(env("REPORTS_PDF_WORKERS", "0"))

# --- Production mode (prod-mode): HTTPS switch, demo switch, links that leave the site, error pages ---
# Secure cookies (and sec-accounts' SSL redirect/HSTS) follow LIAISON_HTTPS, on by default when
# DEBUG is off; `make run` sets LIAISON_HTTPS=false for a plain-http local run.
# seed_demo runs only where this is set (make run / make dev), never because DEBUG is on.
LIAISON_ALLOW_DEMO = env_bool("LIAISON_ALLOW_DEMO", False)
# Every link in an e-mail or SMS and every QR code starts with this (liaison.urls_abs.absolute_url);
# missing in production is a `check --deploy` warning.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
CSRF_FAILURE_VIEW = "liaison.errors.csrf_failure"

# Benchmarks (perf, issue 11): `make bench` turns on a no-query floor page at
# /bench/floor/ and an X-Queries response header. Off everywhere else.
LIAISON_BENCH = env_bool("LIAISON_BENCH", False)
if LIAISON_BENCH:
    MIDDLEWARE.insert(0, "liaison.bench.QueryCountMiddleware")

# Scale-out (perf, issue 11): a PostgreSQL streaming replica for reads that tolerate
# lag (the district figures). Off unless REPLICA_DATABASE_URL is set; docs/SCALE_OUT.md.
if env("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(env("REPLICA_DATABASE_URL"), conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["liaison.db_router.ReplicaRouter"]

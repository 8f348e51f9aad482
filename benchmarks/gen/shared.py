"""Shared code every domain leans on (config, database, errors, auth, pagination, logging),
and the entry point that mounts every domain's router."""

from __future__ import annotations

from .source import Core, Source


def _module(doc: str, body: str) -> Source:
    out = Source()
    out.add(f'"""{doc}"""')
    out.blank()
    out.add(body)
    return out


def config_module(app_name: str) -> Source:
    return _module(
        "Settings from the environment (and .env in development).",
        f"""
        from functools import lru_cache

        from pydantic import Field, PostgresDsn
        from pydantic_settings import BaseSettings, SettingsConfigDict


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_file=".env", env_prefix="APP_", extra="ignore")

            app_name: str = "{app_name}"
            environment: str = "development"
            database_url: PostgresDsn = PostgresDsn("postgresql+asyncpg://app:app@localhost:5432/app")
            database_pool_size: int = Field(default=10, ge=1)
            jwt_secret: str = "change-me"
            jwt_audience: str = "{app_name}"
            log_level: str = "INFO"
            cors_origins: list[str] = Field(default_factory=list)


        @lru_cache
        def get_settings() -> Settings:
            return Settings()


        settings = get_settings()
        """,
    )


def db_module(core: Core) -> Source:
    return _module(
        "The engine, one session per request, and the declarative base every model uses.",
        f"""
        from collections.abc import AsyncIterator
        from typing import Annotated

        from fastapi import Depends
        from sqlalchemy import MetaData
        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
        from sqlalchemy.orm import DeclarativeBase

        from {core.config} import settings

        NAMING_CONVENTION = {{
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }}


        class Base(DeclarativeBase):
            metadata = MetaData(naming_convention=NAMING_CONVENTION)


        engine = create_async_engine(
            str(settings.database_url), pool_size=settings.database_pool_size, pool_pre_ping=True
        )
        session_factory = async_sessionmaker(engine, expire_on_commit=False)


        async def get_session() -> AsyncIterator[AsyncSession]:
            async with session_factory() as session:
                yield session


        SessionDep = Annotated[AsyncSession, Depends(get_session)]
        """,
    )


def errors_module(http_domain_errors: bool) -> Source:
    if http_domain_errors:
        return _module(
            "Exceptions shared by every domain: each carries its own status code and detail.",
            """
            from fastapi import HTTPException, status


            class DetailedHTTPException(HTTPException):
                STATUS_CODE = status.HTTP_500_INTERNAL_SERVER_ERROR
                DETAIL = "Server error"

                def __init__(self, *context: object) -> None:
                    super().__init__(status_code=self.STATUS_CODE, detail=self.DETAIL)
                    self.context = context


            class PermissionDenied(DetailedHTTPException):
                STATUS_CODE = status.HTTP_403_FORBIDDEN
                DETAIL = "Permission denied"


            class NotFound(DetailedHTTPException):
                STATUS_CODE = status.HTTP_404_NOT_FOUND


            class BadRequest(DetailedHTTPException):
                STATUS_CODE = status.HTTP_400_BAD_REQUEST
                DETAIL = "Bad Request"


            class NotAuthenticated(DetailedHTTPException):
                STATUS_CODE = status.HTTP_401_UNAUTHORIZED
                DETAIL = "User not authenticated"
            """,
        )
    return _module(
        "Domain errors: services raise them, one handler maps them to HTTP responses.",
        """
        from fastapi import HTTPException, Request, status
        from fastapi.responses import JSONResponse


        class DomainError(Exception):
            code = "domain_error"
            status_code = status.HTTP_400_BAD_REQUEST

            def __init__(self, entity: str, key: object) -> None:
                super().__init__(f"{entity} {key}")
                self.entity = entity
                self.key = key


        class NotFoundError(DomainError):
            code = "not_found"
            status_code = status.HTTP_404_NOT_FOUND


        class ConflictError(DomainError):
            code = "conflict"
            status_code = status.HTTP_409_CONFLICT


        class InvalidStateError(DomainError):
            code = "invalid_state"
            status_code = status.HTTP_409_CONFLICT


        class LimitExceededError(DomainError):
            code = "limit_exceeded"
            status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


        class LockedError(HTTPException):
            \"\"\"The first API version answered 423 from wherever a lock was found.\"\"\"

            def __init__(self, entity: str, key: object) -> None:
                super().__init__(status_code=status.HTTP_423_LOCKED, detail=f"{entity} {key} is locked")


        async def domain_error_handler(request: Request, exc: Exception) -> JSONResponse:
            code = getattr(exc, "code", "error")
            status_code = getattr(exc, "status_code", status.HTTP_400_BAD_REQUEST)
            return JSONResponse(status_code=status_code, content={"code": code, "detail": str(exc)})
        """,
    )


def security_module(core: Core) -> Source:
    return _module(
        "Who is calling: the bearer token's claims, as a dependency.",
        f"""
        from dataclasses import dataclass
        from typing import Annotated

        import jwt
        from fastapi import Depends, HTTPException, status
        from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

        from {core.config} import settings

        bearer = HTTPBearer(auto_error=False)


        @dataclass(frozen=True, slots=True)
        class Principal:
            id: int
            email: str
            is_staff: bool
            scopes: frozenset[str]


        async def get_current_user(
            credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        ) -> Principal:
            if credentials is None:
                raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="not authenticated")
            try:
                claims = jwt.decode(
                    credentials.credentials,
                    settings.jwt_secret,
                    algorithms=["HS256"],
                    audience=settings.jwt_audience,
                )
            except jwt.PyJWTError as exc:
                raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="invalid token") from exc
            return Principal(
                id=int(claims["sub"]),
                email=claims.get("email", ""),
                is_staff=bool(claims.get("staff", False)),
                scopes=frozenset(claims.get("scopes", ())),
            )


        CurrentUser = Annotated[Principal, Depends(get_current_user)]
        """,
    )


def pagination_module() -> Source:
    return _module(
        "Offset pagination: the query parameters and the page returned.",
        """
        from typing import Generic, TypeVar

        from pydantic import BaseModel, Field

        T = TypeVar("T")


        class PageParams(BaseModel):
            limit: int = Field(default=50, ge=1, le=200)
            offset: int = Field(default=0, ge=0)


        class Page(BaseModel, Generic[T]):
            items: list[T]
            total: int
            limit: int
            offset: int
        """,
    )


def logging_module() -> Source:
    return _module(
        "Structured logging: one JSON line per record.",
        """
        import json
        import logging
        import sys


        class JsonFormatter(logging.Formatter):
            def format(self, record: logging.LogRecord) -> str:
                payload = {"level": record.levelname, "logger": record.name, "message": record.getMessage()}
                payload.update(getattr(record, "extra_fields", {}))
                return json.dumps(payload, default=str)


        def configure_logging(level: str) -> None:
            handler = logging.StreamHandler(sys.stdout)
            handler.setFormatter(JsonFormatter())
            logging.basicConfig(level=level, handlers=[handler], force=True)


        def get_logger(name: str) -> logging.Logger:
            return logging.getLogger(name)
        """,
    )


def aggregator_module(
    doc: str, mounts: list[tuple[str, str]], app: Core | None, prefix: str, errors: bool = False
) -> Source:
    """A router (``app`` None) or the application (``app`` given) including ``mounts``:
    (module, alias) of each domain router; ``errors``: map domain errors to responses."""
    out = Source()
    out.add(f'"""{doc}"""')
    out.blank()
    imports = [f"from {module} import router as {alias}" for module, alias in mounts]
    if app is None:
        out.imports([["from fastapi import APIRouter"], imports])
        out.blank()
        out.add(f'router = APIRouter(prefix="{prefix}")')
        for _, alias in mounts:
            out.add(f"router.include_router({alias})")
        return out
    project = [
        f"from {app.config} import settings",
        f"from {app.logging} import configure_logging",
    ]
    if errors:
        project.append(f"from {app.errors} import DomainError, domain_error_handler")
    out.imports(
        [
            ["from collections.abc import AsyncIterator", "from contextlib import asynccontextmanager"],
            ["from fastapi import FastAPI", "from fastapi.middleware.cors import CORSMiddleware"],
            sorted([*project, *imports]),
        ]
    )
    out.blank()
    out.add(
        """
        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            configure_logging(settings.log_level)
            yield


        app = FastAPI(title=settings.app_name, lifespan=lifespan)
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
        )
        """
    )
    if errors:
        out.add("app.add_exception_handler(DomainError, domain_error_handler)")
    for _, alias in mounts:
        out.add(f'app.include_router({alias}, prefix="{prefix}")')
    return out

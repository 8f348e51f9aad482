"""The built-in rules, listed explicitly and sorted by code."""

from __future__ import annotations

from typing import Any

from archlint.rules.base import FileRule, ProjectRule, Rule
from archlint.rules.context import DEFAULT_SESSION_NAMES, FileContext
from archlint.rules.errors import GenericExceptionInLayer
from archlint.rules.exception_modules import ExceptionOutsideExceptionsModule
from archlint.rules.guard_clause import GuardClauseInRouteHandler
from archlint.rules.handlers import LogicInRouteHandler
from archlint.rules.imports import (
    DomainsDependOnEachOther,
    LayerOrderBroken,
    RouterImportsDataLayer,
    SharedImportsDomain,
    UserContractBroken,
)
from archlint.rules.injection import ServiceBuiltInHandler
from archlint.rules.layout import MissingLayerModule, UnexpectedModuleInDomain
from archlint.rules.logger_names import LoggerNameNotModulePath
from archlint.rules.naming import ModuleNameNotSnakeCase
from archlint.rules.packages import AdHocTopLevelPackage
from archlint.rules.repository import CommitInRepository, HTTPExceptionInRepository
from archlint.rules.router import QueryInRouter, TransactionInRouter
from archlint.rules.schemas import SharedRequestResponseModel
from archlint.rules.service import HTTPExceptionInService, QueryInService
from archlint.rules.suppression import InvalidSuppression, UnusedSuppression
from archlint.rules.symbol_imports import ImportBySymbolAcrossDomains
from archlint.rules.syntax import UnparsableFile
from archlint.rules.transport import TransportInService
from archlint.rules.unmounted import RouterNeverMounted

BUILTIN_RULES: tuple[type[Rule[Any]], ...] = (
    ExceptionOutsideExceptionsModule,
    GenericExceptionInLayer,
    LayerOrderBroken,
    RouterImportsDataLayer,
    ImportBySymbolAcrossDomains,
    DomainsDependOnEachOther,
    SharedImportsDomain,
    UserContractBroken,
    UnexpectedModuleInDomain,
    MissingLayerModule,
    AdHocTopLevelPackage,
    ModuleNameNotSnakeCase,
    RouterNeverMounted,
    LoggerNameNotModulePath,
    CommitInRepository,
    HTTPExceptionInRepository,
    QueryInRouter,
    TransactionInRouter,
    LogicInRouteHandler,
    GuardClauseInRouteHandler,
    ServiceBuiltInHandler,
    SharedRequestResponseModel,
    UnusedSuppression,
    InvalidSuppression,
    HTTPExceptionInService,
    TransportInService,
    QueryInService,
    UnparsableFile,
)

__all__ = [
    "BUILTIN_RULES",
    "DEFAULT_SESSION_NAMES",
    "FileContext",
    "FileRule",
    "ProjectRule",
    "Rule",
]

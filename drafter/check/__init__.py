"""Proofreading for official-register Chinese: conversion artefacts, outdated
formulations, punctuation and heading structure.

The rules are YAML data in drafter/check/rules/; this package is the engine.
Importing it is cheap: rules load on the first check, python-docx only when a
.docx is read.
"""

from importlib import import_module

# Public name -> the submodule that defines it. Loaded on first use, so that a render,
# which needs only the engine and the summary line, does not import the file readers.
_EXPORTS = {
    "apply_fixes": "engine",
    "check_answer": "engine",
    "check_document": "engine",
    "check_text": "engine",
    "detect_year": "engine",
    "resolve_year": "engine",
    "CATEGORIES": "model",
    "CATEGORY_LABELS": "model",
    "CONFIDENCES": "model",
    "Finding": "model",
    "summary_line": "report",
    "read_source": "source",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'drafter.check' has no attribute {name!r}")
    value = getattr(import_module(f"drafter.check.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value

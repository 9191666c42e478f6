"""The YAML question-pack format: loading, validation, drawing instances and checking answers.

Kept import-light: each sub-module is imported where it is used.
"""

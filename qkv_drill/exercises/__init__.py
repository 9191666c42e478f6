""" "Implement it" exercises: the user's own code, run in a child process, checked by the engine.

`runner` runs the code (a separate `python -I`, limits, a timeout); `tasks` says what each
exercise computes and what each named mistake computes; `cases` draws the inputs; `checker`
compares and names the bug.
"""

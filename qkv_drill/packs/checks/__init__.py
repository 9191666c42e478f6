"""Load-time checks of a pack file: a loaded YAML document checked against the pack format and
built into the model (`check_document`), every problem positioned at the offending key or value.

This runs at every start-up without a cache, so it does no drawing and no engine work: only cheap
checks. The author's `validate` command (packs/validate_command.py) goes further and draws.

One module per part of a question, each a mixin over `FieldChecks` (positioned reporting):
fields (text, lists, ids), params (parameters, derive, constraints), computed_answers
(`answer:`, tolerance, misconceptions), written_answers (options, rubric), examples, question
(one question) and document (the file). Kept import-light: the loader imports it only when a
pack is not in the start-up cache.
"""

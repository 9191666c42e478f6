"""Every bound a pack must stay within, in one place: loading, validation, drawing, the schema and
the docs all read them from here.

They exist so that a pack written by a stranger costs bounded time and memory, decided when the
pack is loaded: a question that could hang a draw, allocate gigabytes or store megabytes per
answer is refused with a positioned message naming the limit, never discovered mid-session.
"""

from __future__ import annotations

# --- the file -----------------------------------------------------------------------------------
MAX_FILE_BYTES = 5 * 1024 * 1024  # one pack file
MAX_DEPTH = 40  # nesting of mappings and lists
MAX_STRING = 20_000  # characters in any one text
MAX_ALIAS_EXPANSION = 10_000  # extra values YAML aliases may add
MAX_NUMBER_CHARS = 40  # characters of one written number (a 4,301-digit integer is refused)
MAX_ISSUES = 1_000  # issues listed per file; past it the rest are counted, not checked one by one

# Characters refused in any pack text: C0 controls except tab and newline, DEL, C1 controls, and
# the bidirectional overrides that make text read differently from what it is. A raw ESC could
# clear the screen, set the window title or write the clipboard (OSC 52) in plain mode.
ALLOWED_CONTROLS = "\t\n"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

# --- parameters ---------------------------------------------------------------------------------
MAX_PARAMS = 40  # parameters per question
MAX_PARAM_VALUE = 1e15  # magnitude of any drawn number (ranges, lists, values)
MAX_MATRIX_DIM = 64  # rows or columns of a matrix parameter
MAX_MATRIX_VALUE = 1000  # magnitude of a matrix entry
MAX_MATRIX_ELEMENTS = 8192  # all matrix entries of one question together

# --- derived values, constraints and drawing ------------------------------------------------------
MAX_DERIVE_LINES = 40
MAX_DERIVE_CHARS = 2_000  # all `derive:` expressions of one question together
MAX_CONSTRAINTS = 20
MAX_DRAW_TRIES = 200  # draws looking for parameters that meet the constraints
# One draw() call (constraint re-draws and misconception re-draws together) may spend at most this
# many work units (about one per derive character, see packs/budget.py), which sets how many
# attempts a question gets: cheap questions many, heavy ones few.
DRAW_WORK_BUDGET = 100_000
MIN_DRAW_ATTEMPTS = 5
MAX_DRAW_ATTEMPTS = 10_000

# --- computations ---------------------------------------------------------------------------------
MC_MIN_SAMPLES = 100
MC_MAX_SAMPLES = 100_000
MC_MAX_NUMBERS = 4_000_000  # samples x d_k of one Monte Carlo estimate (about 0.1 s)

# --- what a question shows and stores -------------------------------------------------------------
MAX_PROMPT_CHARS = 30_000  # the prompt with every placeholder filled in, at its largest
MAX_PLACEHOLDERS = 200  # {name} occurrences in one prompt
MAX_STORED_PARAMS_BYTES = 30_000  # the parameters of one instance, as stored with every answer
MAX_ANSWER_CHARS = 10_000  # a typed answer (answers/parse.py refuses longer ones)
MAX_STORED_ANSWER_TEXT_BYTES = 16_384  # an open (text) answer is stored up to this, then cut
MAX_ID_CHARS = 100  # a pack or question id, stored with every answer
MAX_TOPIC_CHARS = 100  # a topic, stored with every answer
MAX_STORED_ANSWER_BYTES = 64 * 1024  # the target: one stored answer, everything included

# --- tolerances -----------------------------------------------------------------------------------
MAX_REL_TOLERANCE = 1.0  # 100%: more accepts anything of the right sign

LIMITS_TABLE: tuple[tuple[str, str], ...] = (
    ("pack file size", f"{MAX_FILE_BYTES // (1024 * 1024)} MB"),
    ("nesting depth", str(MAX_DEPTH)),
    ("one text", f"{MAX_STRING:,} characters; no control characters except tab and newline"),
    ("one written number", f"{MAX_NUMBER_CHARS} characters"),
    ("issues listed per file", f"{MAX_ISSUES:,}; the rest are counted"),
    ("ids and topics", f"{MAX_ID_CHARS} characters"),
    ("parameters per question", str(MAX_PARAMS)),
    ("any drawn number", f"magnitude {MAX_PARAM_VALUE:g}, finite"),
    ("matrix parameter", f"{MAX_MATRIX_DIM}x{MAX_MATRIX_DIM}, entries +-{MAX_MATRIX_VALUE}"),
    ("matrix entries per question", f"{MAX_MATRIX_ELEMENTS:,}"),
    ("derive lines", f"{MAX_DERIVE_LINES} lines, {MAX_DERIVE_CHARS:,} characters in all"),
    ("constraints", f"{MAX_CONSTRAINTS}, numbers only"),
    (
        "Monte Carlo",
        f"samples {MC_MIN_SAMPLES}..{MC_MAX_SAMPLES:,}, samples x d_k <= {MC_MAX_NUMBERS:,}",
    ),
    ("filled-in prompt", f"{MAX_PROMPT_CHARS:,} characters, {MAX_PLACEHOLDERS} placeholders"),
    ("stored parameters per answer", f"{MAX_STORED_PARAMS_BYTES:,} bytes"),
    ("tolerance", f"finite; rel at most {MAX_REL_TOLERANCE:g}"),
)

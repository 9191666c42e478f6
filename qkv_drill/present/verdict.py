"""What a verdict says beyond its verdict word, said once: the app's feedback, plain mode and the
mock report each print the verdict, the expected answer and the named mistake on lines of their
own, so a message that only repeats one of them is left out."""

from __future__ import annotations


def verdict_note(message: str | None, expected: str | None, feedback: str | None = None) -> str:
    """`message` unless it restates the expected answer ("Correct: 64.", "Not quite: the answer
    is 64.") or the named mistake's feedback, which are shown beside it anyway."""
    text = (message or "").strip()
    if expected and expected in text:
        return ""
    if feedback and feedback.strip() and feedback.strip() in text:
        return ""
    return text


def plain_verdict_lines(
    status: str, message: str | None, expected: str | None, feedback: str | None = None
) -> list[str]:
    """The verdict as plain lines, the verdict word once: "Correct: 64.", "Wrong: the answer is
    64.", or "Wrong. <why>" then "Answer: <expected>" when there is more to say."""
    note = verdict_note(message, expected, feedback)
    word = "Correct" if status == "correct" else "Wrong"
    if not expected:  # a self-graded text answer: the model answer was shown before
        return [f"{word}. {note}".rstrip() if note else f"{word}."]
    if not note:
        return (
            [f"Correct: {expected}."]
            if status == "correct"
            else [f"Wrong: the answer is {expected}."]
        )
    return [f"{word}. {note}", f"Answer: {expected}"]

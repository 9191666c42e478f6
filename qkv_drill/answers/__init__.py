"""Reading typed answers: the safe expression evaluator and the per-kind parser."""

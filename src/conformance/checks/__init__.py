"""Check functions: facts and expectations in, an Observation out.

Tests under tests/ stay thin and call these. Each raises NotObserved, with the one
reason a person needs, when the value it compares could not be read.
"""

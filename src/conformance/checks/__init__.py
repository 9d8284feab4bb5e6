"""Check functions: facts and expectations in, an Observation out.

Tests under tests/ stay thin and call these; each raises NotObserved when the value
it compares could not be read, with the one reason a person needs.
"""

"""The domain: keyword-only functions, session first, returning models; they never print."""

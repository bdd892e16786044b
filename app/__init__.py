"""Reform Facts: verified, cited facts about municipal reforms in China, served as JSON."""

__version__ = "1.0.0"

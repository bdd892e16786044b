"""The curation API: sources uploaded, facts proposed, reviewed by someone else, and published."""

"""Stories: articles grouped into events (one happening) and events into stories, with their coverage."""

"""The practice side as a library: what comes next (planner), the words a command prints about reviews (words),
the terminal rendering of task texts and the review calendar (terminal), and the context every practice command
shares (context). The click commands in studykit/commands/ are thin layers over these.
"""

"""trialcompare: compare published clinical-trial cohorts that were never randomised against each other."""

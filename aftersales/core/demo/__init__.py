"""The demo dataset (`aftersales demo`): customers, people and a few months of cases, every case
told through the case services so its timeline and hash chain are those of real work.

catalogue: vendors and model lines; customers: organisations, sites, contacts, contracts, assets;
people: regions, skills, users, teams; faults, episodes, phrases: what the cases say; stories:
scripts of service calls run in time order; plan: which stories, when; loader: the transaction;
database: rebuilding the database for --reset.
"""

-- The house authors: the three server-owned players that sign the phrasesets
-- of the house library (global content for voters when players have written
-- too little). Their ids are fixed (the server names them in code); their
-- names hold a space, which no registered or guest username can, so nobody
-- can take them. They never pay: house sets are funded by the house, and a
-- finalized house set's pool goes back to the house, so their wallets stay 0.
INSERT INTO players (player_id, username, username_canonical, is_guest, is_bot, wallet, vault, created_at) VALUES
    (X'0000000000000000000000000000F001', 'House Writer', 'house writer', FALSE, TRUE, 0, 0, 0),
    (X'0000000000000000000000000000F002', 'House Copier A', 'house copier a', FALSE, TRUE, 0, 0, 0),
    (X'0000000000000000000000000000F003', 'House Copier B', 'house copier b', FALSE, TRUE, 0, 0, 0);

-- Voters' votes by player: the vote eligibility rule asks which house sets a
-- voter already voted on, in any printing.
CREATE INDEX votes_player ON votes (player_id);

-- Who is due to vote on a set in a party: global sets waiting for a
-- player's party vote are not offered to them again.
CREATE INDEX party_assignments_target ON party_assignments (target_id, player_id);

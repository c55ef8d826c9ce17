"""Reference data that the drafter and the verifier both read: the gazetteer (units of both eras,
the country and its six socio-economic regions), indicators with their cue phrases, programs;
and the strict reading of seed files they share (YAML without repeated keys, periods, errors
that name the file)."""

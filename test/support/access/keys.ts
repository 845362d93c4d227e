/**
 * Test-only RSA keys for the Cloudflare Access tests: `TEAM` is the key the test team publishes
 * (test/support/access/worker.js serves its public half), `ROGUE` one it never published.
 * Generated once for these tests; they sign nothing anywhere else.
 */
import type { JWK } from 'jose';

export const ACCESS_TEAM_WORKER = 'tessera-test-access-team';
/** What the tests set as ACCESS_TEAM_DOMAIN (the outbound fetch reaches the worker above). */
export const TEST_TEAM_DOMAIN = 'https://northwind-test.cloudflareaccess.com';
export const TEST_ACCESS_AUD = '4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2';

export const TEAM_PRIVATE_JWK: JWK = {
  kty: 'RSA',
  n: 'wmrNtvex2LkzJtXRu8lJoH9dqHVuNQUelDvkSJ8MsulSFSQ2npgZZG18BdnUV9XLsPyBV6cRNCihUK6E2J35nbXbE964rTF6-coJ_3QuDsHuA6hsDpZwtOrNpVJAV4WAmP2J3e1FJM9OfAC1KlgWJaxhkTW2lHoMNIBLzEHVSMKhK6jxC3XFboqTViPPzhiX_3Nqf8KH791hvbcGQcIFOO17XqWEgy9mCHdexke8A8cTf-ZVrAhBHeCebTSZ8gW-em0cYM_wsfSRtvAcwk-WlSx-EFYpIaD3cf-QRIYIPc10oKcKrZRQHjYXLxIq3zM3p3L003_u6EolebX7K-4QCQ',
  e: 'AQAB',
  d: 'Z74pqp-ZP5BdjLirUTvZz_mq2c0GODzgM2_CIx1msRly0o9pIZThTTHZOnxXrDmQWOEPiL4ZxV5Vj4G_YdfTPDXta5WrkWpZyEZFi55jvw-d4w_8arUSpaZI0Fuu0wUkY8TXnhEN-zGcYkGRz5JI2k2to5DXcBXPZbh1JpkhZVQSplH-ZAKKKjAegOTpfLJNc9OmQaxZU30rkbmAxXjblOOc5sopl7udvaYWhuuf-hQeVil2z_X2CSYhTls_NxvjHPCySKXuLERyx0HaESsT8iRBripEZpxSVxqDtgxzDo8Fk9yCB_IHpeEDnXXH3T2L8YfMTdg4l1MDqjH7uRbB',
  p: '9g_lRCF-U-Qz3t9UijW1JzMj88B-XfkuW8_hAEJGbg6xzX4Zoda1-wlcAAItU9Q0GKz-5S4PACHTcBiT0d9tMV1b-fgL8KsaVrO78mmVgEPs1Bx3zoRHH1brX1biwJpRLCTPHdFEbIVougmdlISJRP9TKM07Dw5ws2Sf4OEnGEU',
  q: 'ykTv5mn1szNWvZ4GbeGybegfD1m_2WH52SC-qWmqgsqCPiuMDKlgb_U9iV5EQkYMyBKMf3m2nKWVnZPF6BvPYwPkg_LaUGBSBkjPQ8300XJmIKHfIj4ekQrkej9-LiuXR8YrspIXqx3bV57jUf-X24pHlB1QKBBPKw-jtbQY3vU',
  dp: 'NBNdJDQqdjq_t5VwYOfI9QjfvQCqPd00sH2oUtOz8Crv-luLtTKpxP1QGThcu3cXp3lFYN-EkTSXeQvajPpKM75cbuTOMhskMeFMD5vE5iZ6AtIbkPtxyfItUjojNzvxnfQUWW0mnAkIBwdt8Da0joOy59m3fBJES9Mp-v_rtDk',
  dq: 'hUCrJwmxUzBEOcEsjSE-MkfUhoFi8WwpdFCtKuCw819ENH7t0b2YCcnvk1rl7x9E9l2575UYp9QyX9Bldgc0Ng_vcLoB9yetgfRfj1TUr1MFUwQxAtcXvggGAz9m-jW_gQpd6VNzgki2IuBK889FlN1hUIOLNgmgjkbMXD1ckS0',
  qi: 'OW6_psdWy-QL-NpZSa_lEsqiqg_8TMv-4Pu-bckj6FZDOl513Go6pz_JxgxToym3MKy1jCvglnPQugY2153NafiJhjDd2joAKXPriUr1sACb82zXLNQ5awUl1ESMHj3dbpA-WbmvAeMDtF6Rqk5hF6hbc7Z8wG7t0QkwI8f7xA8',
  kid: 'team-2026',
  alg: 'RS256',
};

export const ROGUE_PRIVATE_JWK: JWK = {
  kty: 'RSA',
  n: '5COu-5G2wyR7D6vNv4aQ6InfzTPE_fdJBLYDspPB5Lxw53PQfXtyVw_9HBZev66scrXCCg6ek4PJ2Og51gYN4QCB2Sb8j2LXDYLry5NVjhjK1l0PDgpmlc2jlVOskAq7uN-OmMl8Tq3YLlr79Nw7snNFlfnTSad1ZlX3N4hp0fojiy7Rrk9LUpcVc24lfF0KiZjlYeMKW3YF1ubuvqRw_nV-45Uohu_YvlXXj0dQ0emcWsKeV-_EwCq3q5TZxAgiS4o_K0MUC9fRBtASJVlVhKuUbsPcDbNEQrSKeJv2ehNI9U3sgZJeiLc4RMews5PaS9bYdAp5eoXem2LK4f2f2Q',
  e: 'AQAB',
  d: 'bkfRjkohzrMTyb-C9dJWuhHr3YXo89tVsLFLmEdUsv1kln2liwLhgrR35dvqcT4-njS-V545iZVrPS8ExjCnBNz5576w158v1Zgz43SVJttVMcpKPL9KV5_QM57_C6IknHl0tOaw8FeY6M-SfAr50IloWdcqC7CnT5C-sFmAzb7zGu8xaTTh1MuHfqZGMUJfqGYyz38MSDTVTzlW6zK7-xClNvJln49l1d_U8mWmaMP9Zl9fMDiaPjmG8naLUe2NRsqdfN5ovA6aJj-qoF0ebnpjcw6s6_4jewdVZWXWCq2KGbCwS8dG2WfYrX_oEYqcIdZvpvAWZvhs-lozkmzDAQ',
  p: '-4NQSQ9PASH_SLYHhUW6FXDOVUOme0O7K8K4NCMxzDOexOaNZc0Iax0WJ3_Hm3Un04aHnM3Pti1F5rfyqxdZ2ddfoa7FpEgRtS1ADW9RNmNO0BmWJC6C9SgFFKr46njtiiZOmDRsdQuYi-6AJpKuTn6kXYr_lm0jPefhA8mpFj8',
  q: '6DWe0mEl9ELYN7ZOy_ucGPQGVcLPunn7xukjj2L_g9cmHDCOgvgNp8TjSP7-Nw5SSL7LQIIs5tNhaa3V6ttIqksd6O7RboQ7U8tj7CUpOvbA9A_9XOSHlgMREql5MV2xNrvndW3MSnPzV92UbII7i3E_yQZDzBxDb60-LJ4EM-c',
  dp: '2x9fbhd5REpjR-zXBoRmB9H84YoL3C55PjnqE_ppozeB5pfarst_vxpbN9R6ifT62q3FLpaclWJCGS0_rVGtxT1_orRKmsLzMn6W5F2MSq8gdeskxKcFDyNrscL3FAiBIzAWn0JlD2An6hnC6lg2pkptVtYHsP2qi3-eqZciyi8',
  dq: 'jxSrHjqaJl4h2IJPH0WUM5P5a1K0qNSNHU1-idWYV-Z0Jx6MUYsC7wNUgSAOCGKctRJLLx6HCFvrRDDHBQXFSpkqfuLYzV5RKBrFITbsptZwonJPzbNLEFYnaPZgJNj0XyN9RVA4dw_nO5be49WDVzKa-QURNW2c5-05yEg9krU',
  qi: 'ytvxYb-cy7lieeJ37BFg9lYbBdruhtm8TPelQPgkdB8ppj6LqhWP5t32RmzffEv8V-qmjs2MkkVthEtFaE7t_-BIY8-dnj5FK4AFp_2nXQdLbe_b2ERn-8sMw-x1coPfaopQN70Pe-Bkop3-9KHnbFDwHkAL8wLKMqn64nB77O8',
  kid: 'rogue-1',
  alg: 'RS256',
};

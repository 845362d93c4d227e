// A Cloudflare Access team for the control plane's tests (an auxiliary worker of the `control`
// vitest project, reached by the control plane's outbound fetch): it publishes the team's public
// signing key at /cdn-cgi/access/certs, as https://<team>.cloudflareaccess.com does, and counts
// how often it was asked (GET /__requests). Plain JavaScript: miniflare runs it as it is.
const CERTS = {
  keys: [
    {
      kty: 'RSA',
      n: 'wmrNtvex2LkzJtXRu8lJoH9dqHVuNQUelDvkSJ8MsulSFSQ2npgZZG18BdnUV9XLsPyBV6cRNCihUK6E2J35nbXbE964rTF6-coJ_3QuDsHuA6hsDpZwtOrNpVJAV4WAmP2J3e1FJM9OfAC1KlgWJaxhkTW2lHoMNIBLzEHVSMKhK6jxC3XFboqTViPPzhiX_3Nqf8KH791hvbcGQcIFOO17XqWEgy9mCHdexke8A8cTf-ZVrAhBHeCebTSZ8gW-em0cYM_wsfSRtvAcwk-WlSx-EFYpIaD3cf-QRIYIPc10oKcKrZRQHjYXLxIq3zM3p3L003_u6EolebX7K-4QCQ',
      e: 'AQAB',
      kid: 'team-2026',
      alg: 'RS256',
      use: 'sig',
    },
  ],
};

let requests = 0;

export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/cdn-cgi/access/certs') {
      requests++;
      return Response.json(CERTS, { headers: { 'cache-control': 'max-age=60' } });
    }
    if (url.pathname === '/__requests') return Response.json({ requests });
    return new Response('not found', { status: 404 });
  },
};

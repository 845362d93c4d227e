/**
 * The demo storefront's stylesheet. Slots reserve their height so a fallback never shifts layout.
 * Two parts: the page chrome of Tessera's own pages (`SITE_STYLES`) and what slot variants, the
 * preview ribbon and the debug panel need (`SLOT_STYLES`) — origin pages get only the latter, as
 * a same-origin stylesheet (origin/assets.ts), so the origin's own look is left alone.
 */
export const SITE_STYLES = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1d1d1f;background:#fafaf7}
h1,h2,p,blockquote,figcaption,a{overflow-wrap:break-word}
header.site,footer.site{padding:12px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between}
header.site a,footer.site a{color:inherit;text-decoration:none}header.site nav{display:flex;flex-wrap:wrap;gap:4px 16px}header.site nav a{white-space:nowrap}
main{max-width:1080px;margin:0 auto;padding:0 16px 48px}
`;

export const SLOT_STYLES = `.slot{margin:16px 0}.slot-hero{min-height:260px}.slot-product-grid{min-height:320px}
.slot-testimonial{min-height:160px}.slot-cta-banner{min-height:150px}.slot-announcement-bar{min-height:44px;margin:0}
.hero,.cta{border-radius:16px;padding:clamp(20px,5vw,40px)}.hero h1{font-size:clamp(1.75rem,7vw,2.4rem);line-height:1.15;margin:.2em 0}
.eyebrow{text-transform:uppercase;letter-spacing:.1em;font-size:.8rem;margin:0}
.button{display:inline-block;margin-top:12px;padding:10px 18px;border-radius:999px;background:#1d1d1f;color:#fff;text-decoration:none}
.tone-primary{background:#e8efe6}.tone-accent{background:#f6e7d8}.tone-neutral{background:#efefef}
.tone-success{background:#dff3e4}.tone-warning{background:#fff1c2}
.announce{padding:10px 16px;display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 16px;font-size:.9rem}.announce p{margin:0}
.announce nav{display:flex;flex-wrap:wrap;gap:4px 12px}.announce a{color:inherit;white-space:nowrap}
.grid ul{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px}
.grid li{background:#fff;border-radius:12px;padding:10px;display:flex;flex-direction:column;gap:4px;position:relative;min-width:0}
.grid .swatch{aspect-ratio:4/3;border-radius:8px;display:flex;align-items:center;justify-content:center;background:linear-gradient(135deg,#e4e9df,#f3e3d6)}
.cat-hiking .swatch{background:#dde7d6}.cat-running .swatch{background:#f4e1cf}.cat-camping .swatch{background:#d9e3ee}.cat-climbing .swatch{background:#ece0e8}
.pic{width:64%;height:auto}.pic path{fill:none;stroke:#1d1d1f;stroke-width:2.2;stroke-linecap:round;stroke-linejoin:round}
.grid a{color:inherit;font-weight:600}.price{color:#555}.badge{position:absolute;top:16px;left:16px;background:#1d1d1f;color:#fff;font-size:.75rem;padding:2px 8px;border-radius:999px}
.testimonial{background:#fff;border-radius:16px;padding:24px;margin:0}.testimonial blockquote{font-size:1.2rem;margin:0 0 8px}
.rating{color:#c78a00;margin:0}
.tessera-preview{position:fixed;left:0;right:0;bottom:0;z-index:2147483647;background:#5b21b6;color:#fff;font:600 14px/1.4 system-ui,sans-serif;padding:8px 16px;display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 16px}.tessera-preview a{color:#fff}
`;

export const STYLES = SITE_STYLES + SLOT_STYLES;

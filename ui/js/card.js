// The shareable quote card: a 1200×630 image drawn on a canvas in the app's
// editorial look (paper and ink, or the dark scheme), with the line wrapped
// to fit, speaker · episode, and the stovebot mark. Korean glyphs come from
// the page's own font stack.

/** The card's size in pixels, the usual Open Graph image's. */
export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;

const THEMES = {
  light: { bg: '#f7f5f0', ink: '#14213d', muted: '#5a6274', accent: '#c2410c', ball: '#ffffff', rule: '#e2ddd2' },
  dark: { bg: '#0f1320', ink: '#e8ebf2', muted: '#9aa3b5', accent: '#f0723f', ball: '#171c2b', rule: '#2a3146' },
};

const PAD = 88; // left and right margin
const TEXT_TOP = 178; // the text box, below the quote mark
const TEXT_BOTTOM = 470; // the meta line sits under the text, the footer below 540
const META_GAP = 52;
const TEXT_WIDTH = CARD_WIDTH - PAD * 2;
const LINE_HEIGHT = 1.45;
const MAX_SIZE = 60;
const MIN_SIZE = 34;

/**
 * drawCard paints the card on canvas (resized to 1200×630) in the colour
 * scheme the system asks for: line is the quote, meta "speaker · episode"
 * (may be empty), host the site's name.
 */
export async function drawCard(canvas, { line, meta, host }) {
  await document.fonts.ready;
  const colors = window.matchMedia('(prefers-color-scheme: dark)').matches ? THEMES.dark : THEMES.light;
  const family = getComputedStyle(document.body).fontFamily;
  canvas.width = CARD_WIDTH;
  canvas.height = CARD_HEIGHT;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = colors.bg;
  ctx.fillRect(0, 0, CARD_WIDTH, CARD_HEIGHT);
  ctx.fillStyle = colors.accent;
  ctx.fillRect(0, 0, 12, CARD_HEIGHT);
  drawQuoteMark(ctx, colors);
  drawLine(ctx, line, meta, family, colors);
  drawFooter(ctx, host, family, colors);
}

/** cardBlob draws the card on a new canvas and returns it as a PNG Blob. */
export async function cardBlob(quote) {
  const canvas = document.createElement('canvas');
  await drawCard(canvas, quote);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the card could not be encoded'))), 'image/png');
  });
}

function drawQuoteMark(ctx, colors) {
  ctx.fillStyle = colors.accent;
  ctx.font = '700 220px Georgia, "Times New Roman", serif';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText('“', PAD - 12, 236);
}

// drawLine sets the quote in the largest size that fits the text box, and
// the meta line under it; the pair is centred vertically in the box.
function drawLine(ctx, line, meta, family, colors) {
  const { size, lines } = fitText(ctx, line, family);
  const lineHeight = Math.round(size * LINE_HEIGHT);
  const blockHeight = lines.length * lineHeight + (meta ? META_GAP : 0);
  let y = TEXT_TOP + Math.max(0, (TEXT_BOTTOM + META_GAP - TEXT_TOP - blockHeight) / 2);
  ctx.fillStyle = colors.ink;
  ctx.font = `700 ${size}px ${family}`;
  ctx.textBaseline = 'top';
  for (const text of lines) {
    ctx.fillText(text, PAD, y + (lineHeight - size) / 2);
    y += lineHeight;
  }
  if (!meta) return;
  ctx.fillStyle = colors.muted;
  ctx.font = `500 30px ${family}`;
  ctx.fillText(fitWidth(ctx, `— ${meta}`, TEXT_WIDTH), PAD, y + 16);
}

// fitText shrinks the font until the wrapped line fits the box; at the
// smallest size the last line that fits ends in an ellipsis.
function fitText(ctx, line, family) {
  const boxHeight = TEXT_BOTTOM - TEXT_TOP;
  for (let size = MAX_SIZE; ; size -= 2) {
    ctx.font = `700 ${size}px ${family}`;
    const lines = wrap(ctx, line, TEXT_WIDTH);
    const room = Math.max(1, Math.floor(boxHeight / Math.round(size * LINE_HEIGHT)));
    if (lines.length <= room) return { size, lines };
    if (size - 2 < MIN_SIZE) {
      const kept = lines.slice(0, room);
      kept[room - 1] = ellipsis(ctx, kept[room - 1], TEXT_WIDTH);
      return { size, lines: kept };
    }
  }
}

// wrap breaks text into lines no wider than width: at spaces first, keeping
// words whole, and inside a word only when it is longer than a line.
function wrap(ctx, text, width) {
  const lines = [];
  for (const paragraph of String(text).split(/\n+/)) {
    let current = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const joined = current ? `${current} ${word}` : word;
      if (ctx.measureText(joined).width <= width) {
        current = joined;
        continue;
      }
      if (current) lines.push(current);
      current = word;
      while (ctx.measureText(current).width > width) {
        const head = longestFit(ctx, current, width);
        lines.push(head);
        current = current.slice(head.length);
      }
    }
    if (current) lines.push(current);
  }
  return lines;
}

// longestFit is the longest start of word (whole characters, at least one)
// no wider than width.
function longestFit(ctx, word, width) {
  const chars = Array.from(word);
  let n = 1;
  while (n < chars.length && ctx.measureText(chars.slice(0, n + 1).join('')).width <= width) n += 1;
  return chars.slice(0, n).join('');
}

// ellipsis ends text in "…", dropping characters until it fits width.
function ellipsis(ctx, text, width) {
  const chars = Array.from(text);
  while (chars.length && ctx.measureText(`${chars.join('').trimEnd()}…`).width > width) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

// fitWidth shortens a one-line text with an ellipsis only when it is too wide.
function fitWidth(ctx, text, width) {
  return ctx.measureText(text).width <= width ? text : ellipsis(ctx, text, width);
}

// drawFooter: a rule, the baseball mark and the word on the left, the host
// on the right.
function drawFooter(ctx, host, family, colors) {
  ctx.fillStyle = colors.rule;
  ctx.fillRect(PAD, 540, TEXT_WIDTH, 2);
  drawBall(ctx, PAD + 22, 586, 22, colors);
  ctx.textBaseline = 'middle';
  ctx.fillStyle = colors.ink;
  ctx.font = `800 32px ${family}`;
  ctx.fillText('stovebot', PAD + 58, 587);
  if (!host) return;
  ctx.fillStyle = colors.muted;
  ctx.font = `500 24px ${family}`;
  ctx.textAlign = 'right';
  ctx.fillText(fitWidth(ctx, host, TEXT_WIDTH / 2), CARD_WIDTH - PAD, 587);
  ctx.textAlign = 'left';
}

// drawBall draws the logo's baseball (dom.js logo(), a 32-unit box) at
// centre (cx, cy) with radius r: a circle and two dashed accent seams.
function drawBall(ctx, cx, cy, r, colors) {
  const k = r / 14;
  ctx.save();
  ctx.translate(cx - 16 * k, cy - 16 * k);
  ctx.scale(k, k);
  ctx.beginPath();
  ctx.arc(16, 16, 14, 0, Math.PI * 2);
  ctx.fillStyle = colors.ball;
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.strokeStyle = colors.ink;
  ctx.stroke();
  ctx.strokeStyle = colors.accent;
  ctx.setLineDash([2, 2.2]);
  ctx.stroke(new Path2D('M8.5 5.5c3.5 3 4.8 6.5 4.8 10.5s-1.3 7.5-4.8 10.5'));
  ctx.stroke(new Path2D('M23.5 5.5c-3.5 3-4.8 6.5-4.8 10.5s1.3 7.5 4.8 10.5'));
  ctx.restore();
}

/** The marketer console: mounts the app into the page the control plane serves. */
import { render } from 'preact';
import './console.css';

function App() {
  return <main>Tessera console</main>;
}

const root = document.getElementById('app');
if (root) render(<App />, root);

// The dashboard's entry point: mounts the app into #app with its styles (one stylesheet once built).
import { render } from 'preact';
import { App } from './app';
import './styles/base.css';
import './styles/parts.css';
import './styles/deployment.css';
import './styles/actions.css';

render(<App />, document.getElementById('app')!);
